# Sourced by install-tools.sh and build.sh: the pinned nightly that builds the release
# .wasm with its own std (-Zbuild-std, panic=immediate-abort: about 3 KB gzip smaller, see
# docs/SIZE.md). The machine image names it `nightly`; elsewhere it is installed by date.
RELEASE_NIGHTLY_DATE=2026-05-19
if rustc +nightly -V 2>/dev/null | grep -q "$RELEASE_NIGHTLY_DATE"; then
  RELEASE_TOOLCHAIN=nightly
else
  RELEASE_TOOLCHAIN=nightly-$RELEASE_NIGHTLY_DATE
fi
export RELEASE_TOOLCHAIN
