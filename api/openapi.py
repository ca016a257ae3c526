"""The OpenAPI 3 document of the API (served at /v1/openapi.json). Shapes follow the
official SDK's models; every path here has a URL pattern, and a test checks both ways. Request
bodies are checked against these schemas (api/bodies.py): what is documented is what is checked."""

from __future__ import annotations


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


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
            "approval_enabled": {"type": "boolean"},
            "ports": {"type": "array", "items": _ref("Port"), "minItems": 1, "maxItems": 50},
            "tags": {"type": "array", "items": _ref("Tag"), "maxItems": 10},
            "description": _unsupported("string", ""),
            "ip": _unsupported("string", ""),
            "tcp_proxy": _unsupported("string", "close"),
            "ip_version": _unsupported("string", "ipv4"),
            "snat_network_id": _unsupported("string", ""),
            "pool_id": _unsupported("string", ""),
            "enable_policy": _unsupported("boolean", False),
        },
    },
    "UpdateService": {
        "type": "object",
        "description": "service_name, ports, port_id and ip are fixed at creation: refused",
        "properties": {
            "approval_enabled": {"type": "boolean"},
            "description": _unsupported("string", ""),
            "tcp_proxy": _unsupported("string", "close"),
        },
    },
    "ConnectionsAction": {
        "type": "object",
        "required": ["action", "endpoints"],
        "properties": {
            "action": {"type": "string", "enum": ["receive", "reject"]},
            "endpoints": {**STRINGS, "description": "endpoint IDs"},
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
                        "description": _unsupported("string", ""),
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
        },
    },
    "Permission": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "permission": {"type": "string", "description": "iam:domain::<domain_id> or *"},
            "permission_type": {"type": "string"},
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
            "description": _unsupported("string", ""),
            "port_ip": _unsupported("string", ""),
            "whitelist": _unsupported("array", [], items={"type": "string"}),
            "enable_whitelist": _unsupported("boolean", False),
            "policy_statement": _unsupported("array", [], items={"type": "object"}),
            "policy_document": _unsupported("object", {}),
            "ip_version": _unsupported("string", "ipv4"),
            "ipv6_address": _unsupported("string", ""),
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
            "summary": "Turn connection approval on or off",
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
        "delete": {
            "summary": "Delete an endpoint",
            "parameters": [PROJECT, ENDPOINT],
            "responses": {"204": _ok(None, "Deleting"), **ERRORS},
        },
    },
}

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
