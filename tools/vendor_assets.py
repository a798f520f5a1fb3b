"""Copy the browser libraries installed from npm (assets/node_modules) into static/vendor/, which the portal
serves itself (WhiteNoise); no page loads anything from a CDN. Run by `make install` after `npm ci`.

VENDOR maps a package to the files (or folders) of its distribution that pages use.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "assets" / "node_modules"
TARGET = ROOT / "static" / "vendor"

# Source maps that a copied file names (sourceMappingURL) are copied too: collectstatic's manifest needs them.
VENDOR: dict[str, list[str]] = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.js.map", "dist/leaflet.css", "dist/images", "LICENSE"],
    "leaflet-draw": ["dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images", "LICENSE"],
    "jsqr": ["dist/jsQR.js", "LICENSE"],  # the till's camera scanning (loyalty)
}


def main() -> int:
    missing = [name for name in VENDOR if not (MODULES / name).is_dir()]
    if missing:
        print(f"vendor_assets: run `npm ci --prefix assets` first (missing: {', '.join(missing)})", file=sys.stderr)
        return 1
    for name, paths in VENDOR.items():
        out = TARGET / name
        shutil.rmtree(out, ignore_errors=True)
        for rel in paths:
            source = MODULES / name / rel
            if not source.exists():
                continue
            dest = out / Path(rel).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest)
            else:
                shutil.copy2(source, dest)
    print(f"vendor_assets: {len(VENDOR)} packages in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
