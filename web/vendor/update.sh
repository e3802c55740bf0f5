#!/usr/bin/env bash
# Re-fetches the vendored browser libraries from the npm registry at their pinned versions,
# checks each tarball against the integrity npm publishes, and copies the built browser file
# and the licence here. Run it from anywhere; needs npm, tar and sha512sum. No CDN is used at
# run time: atomdoc embeds these files in its binary.
set -euo pipefail
cd "$(dirname "$0")"

# package@version  file inside the package  name here
pins=(
  "sigma@3.0.3 dist/sigma.min.js sigma.min.js"
  "graphology@0.26.0 dist/graphology.umd.min.js graphology.umd.min.js"
)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for pin in "${pins[@]}"; do
  read -r spec file name <<<"$pin"
  package=${spec%@*}
  expected=$(npm view "$spec" dist.integrity)
  tarball=$(cd "$tmp" && npm pack --silent "$spec")
  actual="sha512-$(sha512sum "$tmp/$tarball" | cut -d' ' -f1 | xxd -r -p | base64 -w0)"
  if [ "$actual" != "$expected" ]; then
    echo "error: $spec: tarball integrity $actual does not match the registry's $expected" >&2
    exit 1
  fi
  mkdir -p "$tmp/$package"
  tar xzf "$tmp/$tarball" -C "$tmp/$package" --strip-components=1
  cp "$tmp/$package/$file" "$name"
  cp "$tmp/$package/LICENSE.txt" "LICENSE-$package.txt"
  echo "$spec $expected" >>"$tmp/VERSIONS"
done
sort "$tmp/VERSIONS" >VERSIONS
echo "vendored: $(tr '\n' ' ' <VERSIONS)"
