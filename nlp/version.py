"""Version stamped on every extract record (`nlp_version`)."""

# Kept out of __init__: an editable install made before nlp/__init__.py existed maps
# `nlp` as a namespace package, where package attributes are not importable.
NLP_VERSION = "0.1.0"
