# Sourced by scripts that need system packages: installs them with apt-get when running as
# root and they are missing. Not root: says what is missing and carries on (tests that need a
# missing piece report themselves skipped with the reason).

komsu_apt_updated=0
komsu_ensure_packages() {   # args: Debian package names
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "komsu: missing Debian packages (not root, not installing): ${missing[*]}" >&2
    return 0
  fi
  echo "komsu: installing ${missing[*]}" >&2
  if [ "$komsu_apt_updated" -eq 0 ]; then
    apt-get update -qq >&2 || echo "komsu: apt-get update failed" >&2
    komsu_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || echo "komsu: apt-get install failed for ${missing[*]}; dependent tests will report skipped" >&2
}
