"""The production settings with Django's built-in psycopg pool instead of persistent
connections (bench/db_pool compares the two): each process keeps a pool of connections
and a request borrows one, instead of each thread keeping its own for CONN_MAX_AGE."""

from vetting.env import env_int
from vetting.settings import *  # noqa: F403
from vetting.settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses a pool with persistent connections
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # the pool checks connections itself
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "pool": {"min_size": 1, "max_size": env_int("DB_POOL_MAX_SIZE", 4), "timeout": 10},
}
