"""The OpenAPI 3 document of the API (served at /v1/openapi.json). Shapes follow the
official SDK's models; every path here has a URL pattern, and a test checks both ways. Request
bodies are checked against these schemas (api/bodies.py): what is documented is what is checked."""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _already_current(kind: str) -> dict:
    """The v2 upgrade calls' answer: nothing here has an older generation to upgrade from."""
    return _ok(
        {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "upgraded": {"type": "boolean", "const": False},
                "message": {"type": "string"},
            },
        },
        f"Nothing to upgrade: the {kind} is current",
    )


def _ok(schema: dict | None, description: str = "OK") -> dict:
    response = {"description": description}
    if schema is not None:
        response["content"] = {"application/json": {"schema": schema}}
    return response


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _q(name: str, kind: str = "string", description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind},
        "description": description,
    }


def _unsupported(kind: str, default, **schema) -> dict:
    """A field of the provider's API that this console takes only with its default value: any
    other value is refused (a 400 naming the field), never dropped silently."""
    return {
        "type": kind,
        "const": default,
        "description": "not supported by this console: leave it out or send the default",
        **schema,
    }


STRINGS = {"type": "array", "items": {"type": "string"}}
WHITELIST = {"type": "array", "items": {"type": "string"}, "maxItems": 20}  # IPv4 or CIDR
# 客户端IP透传; toa_open and open are refused on the Linux data plane (no TOA module there).
TCP_PROXY = {"type": "string", "enum": ["close", "toa_open", "proxy_open", "open"]}
POLICY = {"type": "array", "items": {"$ref": "#/components/schemas/PolicyStatement"}}

PROJECT = {
    "name": "project_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "32-hex project ID of one region (我的凭证)",
}
SERVICE = {
    "name": "vpc_endpoint_service_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
ENDPOINT = {
    "name": "vpc_endpoint_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}
PAGING = [
    _q("limit", "integer", "1-1000, default 10"),
    _q("offset", "integer"),
    _q("sort_key", description="created_at or updated_at"),
    _q("sort_dir", description="asc or desc"),
]
ERRORS = {
    "400": _ok(
        _ref("Error"),
        "Invalid parameter, or a field of the wrong JSON type; error_msg names the field "
        "(e.g. ports[0].client_port)",
    ),
    "401": _ok(_ref("Error"), "Missing, wrong or expired signature; unknown or disabled key"),
    "403": _ok(_ref("Error"), "The project is not the key owner's, or the role does not allow it"),
    "404": _ok(_ref("Error"), "No such resource in this project"),
}

CONFLICT_ANSWER = _ok(_ref("Error"), "The endpoint is being created or deleted, or failed")

SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"error_code": {"type": "string"}, "error_msg": {"type": "string"}},
    },
    "Port": {
        "type": "object",
        "properties": {
            "client_port": {"type": "integer"},
            "server_port": {"type": "integer"},
            "protocol": {"type": "string", "enum": ["TCP", "UDP"]},
        },
    },
    "Tag": {
        "type": "object",
        "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
    },
    "Service": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "port_id": {"type": "string"},
            "service_name": {"type": "string"},
            "server_type": {"type": "string", "enum": ["LB", "VM"]},
            "vpc_id": {"type": "string"},
            "approval_enabled": {"type": "boolean"},
            "status": {
                "type": "string",
                "enum": ["creating", "available", "failed", "deleting", "deleted"],
            },
            "service_type": {"type": "string", "enum": ["interface", "gateway"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "project_id": {"type": "string"},
            "domain_id": {"type": "string"},
            "ip": {"type": "string"},
            "ports": {"type": "array", "items": _ref("Port")},
            "tags": {"type": "array", "items": _ref("Tag")},
            "connection_count": {"type": "integer"},
            "tcp_proxy": {"type": "string"},
            "description": {"type": "string"},
        },
    },
    "CreateService": {
        "type": "object",
        "required": ["port_id", "vpc_id", "server_type", "ports"],
        "properties": {
            "port_id": {"type": "string", "description": "the ELB or ECS"},
            "vpc_id": {"type": "string"},
            "service_type": {"type": "string", "enum": ["interface"]},
            "server_type": {"type": "string", "enum": ["LB", "VM"]},
            "service_name": {"type": "string", "maxLength": 16},
            "approval_enabled": {
                "type": "boolean",
                "description": "default true: connections wait for approval",
            },
            "ports": {"type": "array", "items": _ref("Port"), "minItems": 1, "maxItems": 50},
            "tags": {"type": "array", "items": _ref("Tag"), "maxItems": 10},
            "description": {"type": "string", "maxLength": 512, "description": "no < or >"},
            "ip": _unsupported("string", ""),
            "tcp_proxy": TCP_PROXY,
            "ip_version": _unsupported("string", "ipv4"),
            "snat_network_id": _unsupported("string", ""),
            "pool_id": _unsupported("string", ""),
            "enable_policy": _unsupported("boolean", False),
        },
    },
    "UpdateService": {
        "type": "object",
        "description": "update_endpoint_service: only the fields sent change",
        "properties": {
            "approval_enabled": {
                "type": "boolean",
                "description": "off leaves pending connections pending until someone decides",
            },
            "description": {"type": "string", "maxLength": 512, "description": "no < or >"},
            "tcp_proxy": TCP_PROXY,
            "service_name": {
                "type": "string",
                "maxLength": 16,
                "description": "the name part of {region}.{name}.{id}",
            },
            "port_id": {
                "type": "string",
                "description": "another ELB or ECS of the service's VPC",
            },
            "server_type": {
                "type": "string",
                "enum": ["LB", "VM"],
                "description": "optional with port_id",
            },
            "ports": {
                "type": "array",
                "items": _ref("Port"),
                "minItems": 1,
                "maxItems": 50,
                "description": "every mapping from now on",
            },
            "ip": _unsupported("string", ""),
        },
    },
    "ConnectionsAction": {
        "type": "object",
        "required": ["action", "endpoints"],
        "properties": {
            "action": {"type": "string", "enum": ["receive", "reject"]},
            "endpoints": {**STRINGS, "description": "endpoint IDs"},
            "comment": {
                "type": "string",
                "maxLength": 255,
                "description": "审批意见: the decision comment the consumer reads (issue 11; "
                "an extension the SDK does not send)",
            },
        },
    },
    "PermissionsAction": {
        "type": "object",
        "required": ["action", "permissions"],
        "properties": {
            "action": {"type": "string", "enum": ["add", "remove"]},
            "permissions": {**STRINGS, "maxItems": 50},
            "permission_type": _unsupported("string", "domainId"),
        },
    },
    "AddPermissions": {
        "type": "object",
        "required": ["permissions"],
        "properties": {
            "permissions": {
                "type": "array",
                "maxItems": 50,
                "items": {
                    "type": "object",
                    "required": ["permission"],
                    "properties": {
                        "permission": {
                            "type": "string",
                            "description": "iam:domain::<domain_id> or *",
                        },
                        "description": {"type": "string", "maxLength": 255},
                    },
                },
            },
            "permission_type": _unsupported("string", "domainId"),
        },
    },
    "RemovePermissions": {
        "type": "object",
        "required": ["permissions"],
        "properties": {
            "permissions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string"}},
                },
            },
        },
    },
    "Connection": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "marker_id": {"type": "integer"},
            "domain_id": {"type": "string"},
            "status": {
                "type": "string",
                "enum": [
                    "pendingAcceptance",
                    "creating",
                    "accepted",
                    "rejected",
                    "failed",
                    "deleting",
                ],
            },
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "description": {"type": "string", "description": "the provider's note"},
        },
    },
    "Permission": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "permission": {"type": "string", "description": "iam:domain::<domain_id> or *"},
            "permission_type": {"type": "string"},
            "description": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "Endpoint": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "service_type": {"type": "string"},
            "status": {"type": "string"},
            "endpoint_service_name": {"type": "string"},
            "endpoint_service_id": {"type": "string"},
            "marker_id": {"type": "integer"},
            "enable_dns": {"type": "boolean"},
            "dns_names": {"type": "array", "items": {"type": "string"}},
            "ip": {"type": "string"},
            "vpc_id": {"type": "string"},
            "subnet_id": {"type": "string"},
            "routetables": {"type": "array", "items": {"type": "string"}},
            "project_id": {"type": "string"},
            "tags": {"type": "array", "items": _ref("Tag")},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "description": {"type": "string"},
            "whitelist": STRINGS,
            "enable_whitelist": {"type": "boolean"},
            "policy_statement": POLICY,
            "decision_comment": {
                "type": "string",
                "description": "审批意见: the provider's comment with the latest decision "
                "(issue 11; an extension the SDK ignores)",
            },
        },
    },
    "CreateEndpoint": {
        "type": "object",
        "required": ["endpoint_service_id", "vpc_id"],
        "properties": {
            "endpoint_service_id": {"type": "string"},
            "vpc_id": {"type": "string"},
            "subnet_id": {"type": "string", "description": "interface services"},
            "routetables": {
                "type": "array",
                "items": {"type": "string"},
                "description": "gateway services",
            },
            "enable_dns": {"type": "boolean"},
            "tags": {"type": "array", "items": _ref("Tag")},
            "description": {"type": "string", "maxLength": 512},
            "port_ip": _unsupported("string", ""),
            "whitelist": {**WHITELIST, "description": "interface services"},
            "enable_whitelist": {"type": "boolean", "description": "interface services"},
            "policy_statement": {**POLICY, "description": "gateway services"},
            "policy_document": _unsupported("object", {}),
            "ip_version": _unsupported("string", "ipv4"),
            "ipv6_address": _unsupported("string", ""),
        },
    },
    "PolicyStatement": {
        "type": "object",
        "required": ["Effect", "Action", "Resource"],
        "properties": {
            "Effect": {"type": "string", "enum": ["Allow", "Deny"]},
            "Action": {**STRINGS, "description": "e.g. obs:object:GetObject, obs:*:*, or *"},
            "Resource": {**STRINGS, "description": "e.g. obs:*:*:object:mybucket/*"},
            "Condition": {"type": "object"},
            "Sid": {"type": "string"},
        },
    },
    "UpdateEndpoint": {
        "type": "object",
        "description": "update_endpoint_white: an interface endpoint's access control; and the description",
        "properties": {
            "whitelist": {
                **WHITELIST,
                "description": "replaces the whitelist; [] empties it",
            },
            "enable_whitelist": {"type": "boolean"},
            "description": {"type": "string", "maxLength": 512},
        },
    },
    "UpdateEndpointRoutetables": {
        "type": "object",
        "required": ["routetables"],
        "properties": {
            "routetables": {
                **STRINGS,
                "description": "the gateway endpoint's route tables (of its VPC) from now on",
            },
        },
    },
    "UpdateEndpointPolicy": {
        "type": "object",
        "required": ["policy_statement"],
        "properties": {
            "policy_statement": POLICY,
            "policy_document": _unsupported("object", {}),
        },
    },
    "UpgradeEndpoint": {
        "type": "object",
        "properties": {"action": {"type": "string", "enum": ["start"]}},
    },
    "RoutetablesAnswer": {
        "type": "object",
        "properties": {
            "routetables": STRINGS,
            "error": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Quota": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["endpoint_service", "endpoint"]},
            "used": {"type": "integer"},
            "quota": {"type": "integer"},
        },
    },
    "Version": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "status": {"type": "string"},
            "updated": {"type": "string"},
        },
    },
}


def _page(name: str, item: str) -> dict:
    return {
        "type": "object",
        "properties": {
            name: {"type": "array", "items": _ref(item)},
            "total_count": {"type": "integer"},
        },
    }


S = "/v1/{project_id}/vpc-endpoint-services"
E = "/v1/{project_id}/vpc-endpoints"
PATHS = {
    "/": {
        "get": {
            "summary": "API versions",
            "security": [],
            "responses": {"200": _ok({"type": "object"})},
        }
    },
    "/v1": {
        "get": {
            "summary": "Version v1",
            "security": [],
            "responses": {"200": _ok({"type": "object"})},
        }
    },
    "/v1/{project_id}/quotas": {
        "get": {
            "summary": "Quotas and use",
            "parameters": [PROJECT, _q("type")],
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    S: {
        "get": {
            "summary": "List the project's endpoint services",
            "parameters": [PROJECT, _q("endpoint_service_name"), _q("id"), _q("status"), *PAGING],
            "responses": {"200": _ok(_page("endpoint_services", "Service")), **ERRORS},
        },
        "post": {
            "summary": "Create an interface endpoint service",
            "parameters": [PROJECT],
            "requestBody": _body(_ref("CreateService")),
            "responses": {"200": _ok(_ref("Service")), **ERRORS},
        },
    },
    f"{S}/public": {
        "get": {
            "summary": "The region's cloud services",
            "parameters": [PROJECT, _q("endpoint_service_name"), *PAGING[:2]],
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    f"{S}/describe": {
        "get": {
            "summary": "验证: find a service the account may connect to",
            "parameters": [PROJECT, _q("endpoint_service_name"), _q("id")],
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}": {
        "get": {
            "summary": "Show a service",
            "parameters": [PROJECT, SERVICE],
            "responses": {"200": _ok(_ref("Service")), **ERRORS},
        },
        "put": {
            "summary": "Change a service: description, approval, name, backend, ports, tcp_proxy",
            "parameters": [PROJECT, SERVICE],
            "requestBody": _body(_ref("UpdateService")),
            "responses": {"200": _ok(_ref("Service")), **ERRORS},
        },
        "delete": {
            "summary": "Delete a service",
            "parameters": [PROJECT, SERVICE],
            "responses": {"204": _ok(None, "Deleting"), **ERRORS},
        },
    },
    f"{S}/{{vpc_endpoint_service_id}}/connections": {
        "get": {
            "summary": "Connections (endpoints of other VPCs)",
            "parameters": [PROJECT, SERVICE, _q("id"), _q("marker_id"), _q("status"), *PAGING],
            "responses": {"200": _ok(_page("connections", "Connection")), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}/connections/action": {
        "post": {
            "summary": "receive (接受) or reject (拒绝) connections",
            "parameters": [PROJECT, SERVICE],
            "requestBody": _body(_ref("ConnectionsAction")),
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}/permissions": {
        "get": {
            "summary": "The whitelist",
            "parameters": [PROJECT, SERVICE, _q("permission"), *PAGING],
            "responses": {"200": _ok(_page("permissions", "Permission")), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}/permissions/action": {
        "post": {
            "summary": "Add or remove whitelist records",
            "parameters": [PROJECT, SERVICE],
            "requestBody": _body(_ref("PermissionsAction")),
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}/permissions/batch-create": {
        "post": {
            "summary": "Add whitelist records",
            "parameters": [PROJECT, SERVICE],
            "requestBody": _body(_ref("AddPermissions")),
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    f"{S}/{{vpc_endpoint_service_id}}/permissions/batch-delete": {
        "post": {
            "summary": "Delete whitelist records by ID",
            "parameters": [PROJECT, SERVICE],
            "requestBody": _body(_ref("RemovePermissions")),
            "responses": {"200": _ok({"type": "object"}), **ERRORS},
        }
    },
    E: {
        "get": {
            "summary": "List the project's endpoints",
            "parameters": [PROJECT, _q("endpoint_service_name"), _q("vpc_id"), _q("id"), *PAGING],
            "responses": {"200": _ok(_page("endpoints", "Endpoint")), **ERRORS},
        },
        "post": {
            "summary": "Create an endpoint (创建中, then 已接受 or 待接受)",
            "parameters": [PROJECT],
            "requestBody": _body(_ref("CreateEndpoint")),
            "responses": {"200": _ok(_ref("Endpoint")), **ERRORS},
        },
    },
    f"{E}/{{vpc_endpoint_id}}": {
        "get": {
            "summary": "Show an endpoint",
            "parameters": [PROJECT, ENDPOINT],
            "responses": {"200": _ok(_ref("Endpoint")), **ERRORS},
        },
        "put": {
            "summary": "Access control (whitelist, enable_whitelist) and description",
            "parameters": [PROJECT, ENDPOINT],
            "requestBody": _body(_ref("UpdateEndpoint")),
            "responses": {"200": _ok(_ref("Endpoint")), **ERRORS, "409": CONFLICT_ANSWER},
        },
        "delete": {
            "summary": "Delete an endpoint",
            "parameters": [PROJECT, ENDPOINT],
            "responses": {"204": _ok(None, "Deleting"), **ERRORS},
        },
    },
    f"{E}/{{vpc_endpoint_id}}/routetables": {
        "put": {
            "summary": "A gateway endpoint's route tables; the service's route follows them",
            "parameters": [PROJECT, ENDPOINT],
            "requestBody": _body(_ref("UpdateEndpointRoutetables")),
            "responses": {"200": _ok(_ref("RoutetablesAnswer")), **ERRORS, "409": CONFLICT_ANSWER},
        },
    },
    f"{E}/{{vpc_endpoint_id}}/policy": {
        "put": {
            "summary": "Set a gateway endpoint's policy",
            "parameters": [PROJECT, ENDPOINT],
            "requestBody": _body(_ref("UpdateEndpointPolicy")),
            "responses": {"200": _ok(_ref("Endpoint")), **ERRORS, "409": CONFLICT_ANSWER},
        },
        "delete": {
            "summary": "Delete a gateway endpoint's policy (full access again)",
            "parameters": [PROJECT, ENDPOINT],
            "responses": {"200": _ok(_ref("Endpoint")), **ERRORS, "409": CONFLICT_ANSWER},
        },
    },
    "/v2/{project_id}/vpc-endpoints/{vpc_endpoint_id}/upgrade": {
        "post": {
            "summary": "Upgrade an endpoint: every endpoint here is current already (202, nothing changes)",
            "parameters": [PROJECT, ENDPOINT],
            "requestBody": _body(_ref("UpgradeEndpoint")),
            "responses": {"202": _already_current("endpoint"), **ERRORS},
        },
    },
}

# Tags (api/tags.py), for each resource type the provider's {resource_type} names.
TAG_VALUES = {
    "type": "array",
    "maxItems": 10,
    "items": _ref("TagValues"),
    "description": "at most 10 keys; values [] is any value",
}
SCHEMAS.update(
    {
        "TagValues": {
            "type": "object",
            "required": ["key", "values"],
            "properties": {
                "key": {"type": "string", "maxLength": 128},
                "values": {**STRINGS, "maxItems": 10},
            },
        },
        "ResourceInstancesQuery": {
            "type": "object",
            "required": ["action"],
            "properties": {
                "action": {"type": "string", "enum": ["filter", "count"]},
                "tags": {**TAG_VALUES, "description": "every key (values: one of them)"},
                "tags_any": {**TAG_VALUES, "description": "any of the keys"},
                "not_tags": {**TAG_VALUES, "description": "not all of the keys"},
                "not_tags_any": {**TAG_VALUES, "description": "none of the keys"},
                "without_any_tag": {"type": "boolean", "description": "only untagged resources"},
                "matches": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "key": {"type": "string", "enum": ["resource_name", "resource_id"]},
                            "value": {"type": "string", "maxLength": 255},
                        },
                    },
                },
                "limit": {"type": "string", "description": "filter: 1-1000, default 1000"},
                "offset": {"type": "string", "description": "filter: default 0"},
                "sys_tags": _unsupported("array", [], items={"type": "object"}),
            },
        },
        "ResourceInstance": {
            "type": "object",
            "properties": {
                "resource_id": {"type": "string"},
                "resource_name": {"type": "string", "description": "an endpoint's is its ID"},
                "tags": {"type": "array", "items": _ref("Tag")},
            },
        },
        "BatchTags": {
            "type": "object",
            "required": ["action", "tags"],
            "properties": {
                "action": {"type": "string", "enum": ["create", "delete"]},
                "tags": {
                    "type": "array",
                    "items": _ref("Tag"),
                    "maxItems": 10,
                    "description": "create: a key already there takes the new value; delete: "
                    "by key, or by key and value when a value is given",
                },
            },
        },
    }
)
for _kind, _id in (("endpoint_service", SERVICE), ("endpoint", ENDPOINT)):
    PATHS[f"/v1/{{project_id}}/{_kind}/resource_instances/action"] = {
        "post": {
            "summary": f"{_kind}: resources by tag, a page (filter) or their number (count)",
            "parameters": [PROJECT],
            "requestBody": _body(_ref("ResourceInstancesQuery")),
            "responses": {
                "200": _ok(
                    {
                        "type": "object",
                        "properties": {
                            "resources": {"type": "array", "items": _ref("ResourceInstance")},
                            "total_count": {"type": "integer"},
                        },
                    }
                ),
                **ERRORS,
            },
        }
    }
    PATHS[f"/v1/{{project_id}}/{_kind}/tags"] = {
        "get": {
            "summary": f"{_kind}: the project's tag keys, each with its values",
            "parameters": [PROJECT],
            "responses": {
                "200": _ok(
                    {
                        "type": "object",
                        "properties": {"tags": {"type": "array", "items": _ref("TagValues")}},
                    }
                ),
                **ERRORS,
            },
        }
    }
    PATHS[f"/v1/{{project_id}}/{_kind}/{{{_id['name']}}}/tags/action"] = {
        "post": {
            "summary": f"{_kind}: add (create) or remove (delete) tags; at most 10 a resource",
            "parameters": [PROJECT, _id],
            "requestBody": _body(_ref("BatchTags")),
            "responses": {"204": _ok(None, "Done"), **ERRORS},
        }
    }

# Changing endpoint services (api/service_changes.py, issue 10).
PERMISSION_ID = {
    "name": "permission_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "a whitelist record's ID",
}
SCHEMAS.update(
    {
        "UpdateServiceName": {
            "type": "object",
            "required": ["endpoint_service_name"],
            "properties": {
                "endpoint_service_name": {
                    "type": "string",
                    "maxLength": 16,
                    "description": "the name part of {region}.{name}.{id}",
                },
            },
        },
        "ConnectionsDescription": {
            "type": "object",
            "required": ["connections"],
            "properties": {
                "connections": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "description"],
                        "properties": {
                            "id": {"type": "string", "description": "endpoint ID"},
                            "description": {"type": "string", "maxLength": 512},
                        },
                    },
                },
            },
        },
        "PermissionDescription": {
            "type": "object",
            "required": ["permission"],
            "properties": {
                "permission": {
                    "type": "object",
                    "required": ["description"],
                    "properties": {"description": {"type": "string", "maxLength": 255}},
                },
            },
        },
        "ServerResources": {
            "type": "object",
            "required": ["server_resources"],
            "properties": {
                "server_resources": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "resource_id": {
                                "type": "string",
                                "description": "the service's backend (port_id)",
                            },
                            "availability_zone_id": {
                                "type": "string",
                                "description": "a zone of the service's region, e.g. cn-gzt-az1",
                            },
                        },
                    },
                },
            },
        },
    }
)
PATHS.update(
    {
        f"{S}/{{vpc_endpoint_service_id}}/name": {
            "put": {
                "summary": "Rename: the name part of the full name; endpoints keep working",
                "parameters": [PROJECT, SERVICE],
                "requestBody": _body(_ref("UpdateServiceName")),
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {"endpoint_service_name": {"type": "string"}},
                        },
                        "The new full name",
                    ),
                    **ERRORS,
                },
            }
        },
        f"{S}/{{vpc_endpoint_service_id}}/connections/description": {
            "put": {
                "summary": "The provider's note on connections (approvers, administrators)",
                "parameters": [PROJECT, SERVICE],
                "requestBody": _body(_ref("ConnectionsDescription")),
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "connections": {"type": "array", "items": _ref("Connection")}
                            },
                        }
                    ),
                    **ERRORS,
                },
            }
        },
        f"{S}/{{vpc_endpoint_service_id}}/permissions/{{permission_id}}": {
            "put": {
                "summary": "A whitelist record's description",
                "parameters": [PROJECT, SERVICE, PERMISSION_ID],
                "requestBody": _body(_ref("PermissionDescription")),
                "responses": {
                    "200": _ok(
                        {
                            "type": "object",
                            "properties": {
                                "permissions": {"type": "array", "items": _ref("Permission")}
                            },
                        }
                    ),
                    **ERRORS,
                },
            }
        },
        "/v2/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}/add-server-resources": {
            "post": {
                "summary": "Availability zones (of the region's inventory) the backend serves from",
                "parameters": [PROJECT, SERVICE],
                "requestBody": _body(_ref("ServerResources")),
                "responses": {"200": _ok({"type": "object"}, "Added (no fields)"), **ERRORS},
            }
        },
        "/v2/{project_id}/vpc-endpoint-services/{vpc_endpoint_service_id}/upgrade": {
            "post": {
                "summary": "Upgrade a service: every service here is current already (202)",
                "parameters": [PROJECT, SERVICE],
                "responses": {"202": _already_current("service"), **ERRORS},
            }
        },
    }
)

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "VPC Endpoint console API (VPCEP v1)",
        "version": "v1",
        "description": "Wire-compatible with the provider's VPCEP API v1: use its official SDK with the "
        "console's address as endpoint and an access key from 我的凭证. Requests are signed with "
        "SDK-HMAC-SHA256 (headers Authorization and X-Sdk-Date). Request bodies are checked "
        "against the schemas below: a field of another JSON type (a number for a string, a "
        "string or true for an integer, null for anything), or an unsupported field with another "
        "value than its default, is a 400 that names the field; unknown fields are ignored. "
        "Every other path under /v1 or /v2 is a JSON 404.",
    },
    "components": {
        "securitySchemes": {
            "aksk": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=..., Signature=...",
            }
        },
        "schemas": SCHEMAS,
    },
    "security": [{"aksk": []}],
    "paths": PATHS,
}
