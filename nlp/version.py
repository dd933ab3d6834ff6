"""Version stamped on every extract record (`nlp_version`)."""

# Kept out of __init__: an editable install made before nlp/__init__.py existed maps
# `nlp` as a namespace package, where package attributes are not importable.
# Raised whenever the rules or the vocabulary change what a record gives, so that a row of the
# warehouse (stg_extracted / listing keep it) says which extraction produced it: the minor
# number is the working session that last changed them (it stood at 0.1.0 from the first
# session to the twentieth).
NLP_VERSION = "0.21.0"
