"""The production settings plus the benchmark's own URLconf (a bare view beside the
product's URLs): nothing of the benchmark lives in the product's code."""

from vetting.settings import *  # noqa: F403

ROOT_URLCONF = "bench.check_load.urls"
