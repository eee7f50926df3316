"""Baseline for the mock's HTTP bench: a bare Starlette app returning constant JSON.

Served by the same uvicorn, with the same settings, on the same machine, in the same
run as the mock (bench/http_bench.py), so the ratio measures the mock's own cost.
"""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = {"symbol": "BTCUSDT", "price": "64521.30000000", "timestamp": "2026-11-25T12:00:00Z"}


async def price(request: Request) -> JSONResponse:
    return JSONResponse(BODY)


async def order(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse(BODY, status_code=201)


app = Starlette(
    routes=[
        Route("/api/v1/market/price/{symbol}", price),
        Route("/api/v1/trade/order", order, methods=["POST"]),
    ]
)
