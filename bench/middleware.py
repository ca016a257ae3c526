"""Only with settings.BENCH (`make bench`): each response says how long the server took and how
many SQL queries it ran, in headers the benchmark reads (X-Bench-Time ms, X-Bench-Queries)."""

from __future__ import annotations

import time

from django.db import connection


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Time"] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response["X-Bench-Queries"] = str(count[0])
        return response
