"""The production static storage, minus source-map rewriting: a vendored library may ship without its .map file
(collectstatic then fails on the missing file; see the report in bench/README.md). The bench only needs the
manifest's hashed names."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class BenchStaticStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple((glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
                     for glob, rules in CompressedManifestStaticFilesStorage.patterns)
