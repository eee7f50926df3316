"""POST /metrics/deflated-sharpe over HTTP against the mock (issue 13).

The expected answers are the platform's, recorded from the platform
(tests/data/platform/indicators_metrics_excerpt.json, 2026-12-02): the same request gives
the same JSON numbers, bit for bit. The route needs credentials (an API key or a JWT),
although it only computes; its errors are the project's envelope (the platform answers
FastAPI's ``{"detail": [...]}`` for 422).
"""

from __future__ import annotations

from typing import Any

import pytest
from recorded import R60

from .conftest import Account, Api, assert_error, body

PATH = "/api/v1/metrics/deflated-sharpe"

# Recorded from the platform (tests/data/platform/indicators_metrics_excerpt.json).
RECORDED_R60_TEN_TRIALS = {
    "observed_sharpe": 2.0652447376371725,
    "expected_max_sharpe": 2.145966026289347,
    "deflated_sharpe": -2.4548032181067154,
    "p_value": 0.007048091360976061,
    "is_significant": False,
    "num_trials": 10,
    "num_returns": 60,
    "skewness": 0.15118067112375305,
    "kurtosis": 0.4158377660673538,
}
RECORDED_R60_ONE_TRIAL_365 = {
    "observed_sharpe": 2.4855224264916194,
    "expected_max_sharpe": 0.0,
    "deflated_sharpe": 2485522.4264916196,
    "p_value": 1.0,
    "is_significant": True,
    "num_trials": 1,
    "num_returns": 60,
    "skewness": 0.15118067112375305,
    "kurtosis": 0.4158377660673538,
}
RECORDED_ZEROS_FIVE_TRIALS = {
    "observed_sharpe": 0.0,
    "expected_max_sharpe": 1.7941225779941015,
    "deflated_sharpe": -11.347027495988895,
    "p_value": 0.0,
    "is_significant": False,
    "num_trials": 5,
    "num_returns": 40,
    "skewness": 0.0,
    "kurtosis": 0.0,
}


def answer(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()  # plain floats: compared bit for bit
    return data


@pytest.mark.parametrize(
    ("request_body", "recorded"),
    [
        ({"returns": R60, "num_trials": 10}, RECORDED_R60_TEN_TRIALS),
        (
            {"returns": R60, "num_trials": 1, "annualization_factor": 365},
            RECORDED_R60_ONE_TRIAL_365,
        ),
        ({"returns": [0.0] * 40, "num_trials": 5}, RECORDED_ZEROS_FIVE_TRIALS),
    ],
    ids=["r60-10-trials", "r60-1-trial-365", "zeros-5-trials"],
)
def test_the_platforms_recorded_answers(
    api: Api, account: Account, request_body: dict[str, Any], recorded: dict[str, Any]
) -> None:
    data = answer(api.post(PATH, key=account.agent_key, json=request_body))
    assert data == recorded
    assert list(data) == list(recorded)  # the platform's member order
    for name in ("observed_sharpe", "expected_max_sharpe", "deflated_sharpe", "p_value"):
        assert isinstance(data[name], float)  # JSON numbers, not decimal strings


def test_the_default_annualization_factor_is_252(api: Api, account: Account) -> None:
    implicit = answer(
        api.post(PATH, key=account.agent_key, json={"returns": R60, "num_trials": 10})
    )
    explicit = answer(
        api.post(
            PATH,
            key=account.agent_key,
            json={"returns": R60, "num_trials": 10, "annualization_factor": 252},
        )
    )
    assert implicit == explicit == RECORDED_R60_TEN_TRIALS


def test_account_key_and_jwt_work_too(api: Api, account: Account) -> None:
    request_body = {"returns": R60, "num_trials": 10}
    assert answer(api.post(PATH, key=account.api_key, json=request_body)) == RECORDED_R60_TEN_TRIALS
    login = api.post(
        "/api/v1/auth/login", json={"api_key": account.api_key, "api_secret": account.api_secret}
    )
    token = body(login)["token"]
    assert answer(api.post(PATH, token=token, json=request_body)) == RECORDED_R60_TEN_TRIALS


def test_integer_returns_are_numbers_too(api: Api, account: Account) -> None:
    data = answer(
        api.post(PATH, key=account.agent_key, json={"returns": [0, 1] * 5, "num_trials": 2})
    )
    assert data["num_returns"] == 10 and data["observed_sharpe"] == pytest.approx(252**0.5)


def test_without_credentials_is_401(api: Api) -> None:
    # Recorded: 401 INVALID_API_KEY "Authentication credentials are required."
    response = api.post(PATH, json={"returns": R60, "num_trials": 10})
    assert_error(response, 401, "INVALID_API_KEY")
    response = api.post(PATH, key="ak_live_unknown", json={"returns": R60, "num_trials": 10})
    assert_error(response, 401, "INVALID_API_KEY")


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"returns": [0.01, 0.02], "num_trials": 10}, "returns"),  # recorded: 422 too_short
        ({"returns": R60, "num_trials": 0}, "num_trials"),  # recorded: 422 greater_than_equal
        ({"returns": "abc", "num_trials": 5}, "returns"),  # recorded: 422 list_type
        ({"returns": R60}, "num_trials"),
        ({"returns": R60, "num_trials": 10, "annualization_factor": 0}, "annualization_factor"),
        ({"returns": R60, "num_trials": 100001}, "num_trials"),
        ({"returns": [0.01] * 10001, "num_trials": 2}, "returns"),
        ({"returns": [0.01] * 9 + ["0.01"], "num_trials": 2}, "returns.9"),
        # A JSON integer beyond float's range: refused, not an OverflowError (a 500).
        ({"returns": [0.01] * 9 + [10**400], "num_trials": 1}, "returns"),
        ({"returns": [0.01] * 9 + [-(10**400)], "num_trials": 1}, "returns"),
    ],
    ids=[
        "two-returns",
        "zero-trials",
        "returns-not-a-list",
        "no-trials",
        "zero-annualization",
        "too-many-trials",
        "too-many-returns",
        "returns-as-strings",
        "an-integer-beyond-float",
        "a-negative-integer-beyond-float",
    ],
)
def test_invalid_bodies_are_422_naming_the_field(
    api: Api, account: Account, request_body: dict[str, Any], field: str
) -> None:
    response = api.post(PATH, key=account.agent_key, json=request_body)
    assert_error(response, 422, "VALIDATION_ERROR", field=field)


def test_a_body_that_is_not_json_is_400_or_415(api: Api, account: Account) -> None:
    response = api.post(
        PATH,
        key=account.agent_key,
        content=b'{"returns": [',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400, "INVALID_JSON")
    response = api.post(
        PATH, key=account.agent_key, content=b"returns=1", headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
