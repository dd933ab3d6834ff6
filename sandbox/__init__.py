"""Fictional marketplaces served on 127.0.0.1, deterministic from a seed, with ground truth.

`sandbox.world.World` generates listings lazily; `sandbox.server` serves them over HTTP;
`sandbox.cli` exposes `pharmwatch sandbox serve|truth`.
"""

