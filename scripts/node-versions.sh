# Sourced by install-tools.sh, test.sh and tests/consumers/run.sh: the Node releases the
# package is tested on besides the machine's own `node` (the README promises Node 18+). Each
# is npm's `node` package, installed by install-tools.sh into tools/node<major>/ (git-ignored);
# a command runs on one with "$(node_bin MAJOR)" first on PATH. One exact release per major:
# the oldest promised (18) and the LTS lines (22, 24).
EXTRA_NODE_VERSIONS=(18.20.8 22.23.3 24.21.0)
NODE_TOOLS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tools
node_bin() { # MAJOR -> the directory holding that Node's `node`
  echo "$NODE_TOOLS_DIR/node$1/node_modules/.bin"
}
