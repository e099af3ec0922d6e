# shellcheck shell=bash
# Sourced by ./envkit and .ci/run. Makes Node 22 and the repository's pinned
# Yarn available without anything installed by hand: Backstage 1.57 needs
# Node 22 or 24, and a fresh machine may only have an older Node plus npm.
# The Node package from the npm registry is unpacked under .envkit/ (ignored
# by git), so the machine's own Node is left alone.

ENVKIT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENVKIT_NODE_MAJOR=22

envkit_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  local major
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || return 1
  [ "$major" = 22 ] || [ "$major" = 24 ]
}

envkit_ensure_node() {
  local prefix="$ENVKIT_ROOT/.envkit/node"
  local os arch pkg
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "envkit: unsupported OS $(uname -s); install Node $ENVKIT_NODE_MAJOR yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "envkit: unsupported CPU $(uname -m); install Node $ENVKIT_NODE_MAJOR yourself" >&2; return 1 ;;
  esac
  pkg="node-$os-$arch"
  local bin="$prefix/node_modules/$pkg/bin"
  if ! envkit_node_ok; then
    if [ ! -x "$bin/node" ]; then
      command -v npm >/dev/null 2>&1 || { echo "envkit: need npm to fetch Node $ENVKIT_NODE_MAJOR" >&2; return 1; }
      echo "envkit: fetching Node $ENVKIT_NODE_MAJOR ($pkg) from the npm registry into .envkit/node" >&2
      mkdir -p "$prefix"
      npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$pkg@$ENVKIT_NODE_MAJOR" >&2
    fi
    export PATH="$bin:$PATH"
    # better-sqlite3 is compiled by node-gyp against the headers of the Node
    # that runs it; Yarn ignores nodedir in ~/.npmrc but honours this.
    export npm_config_nodedir="$prefix/node_modules/$pkg"
  fi
  # Point Yarn at whatever registry npm is configured for on this machine.
  if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ] && command -v npm >/dev/null 2>&1; then
    YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null | sed 's#/$##')"
    export YARN_NPM_REGISTRY_SERVER
  fi
  export YARN_ENABLE_TELEMETRY=0
}

# The real clients some tests drive (AWS CLI v2, kubectl), the docs site
# builder and the browser for end-to-end runs come from Debian's packages.
# Installed when missing and this is a root shell with apt-get; otherwise
# the missing ones are named.
envkit_ensure_test_tools() {
  local missing=()
  [ -x /usr/bin/aws ] || missing+=(awscli)
  [ -x /usr/bin/kubectl ] || missing+=(kubernetes-client)
  [ -x /usr/bin/mkdocs ] || missing+=(mkdocs)
  dpkg -s mkdocs-material >/dev/null 2>&1 || missing+=(mkdocs-material)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "envkit: installing ${missing[*]} from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "envkit: some tests need Debian packages that are missing: ${missing[*]}" >&2
  fi
}

yarn() {
  node "$ENVKIT_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"
}
