#!/usr/bin/env bash
# Installs Debian's Keystone (the Python package only: no `keystone` package, no debconf, no
# /etc/keystone, no init scripts) and gunicorn to serve it; optionally the openstack CLI.
# Idempotent: does nothing when /usr/bin/python3 can already import them.
#   scripts/keystone/install.sh            keystone + gunicorn
#   scripts/keystone/install.sh --cli      also python3-openstackclient
set -euo pipefail
want=(python3-keystone python3-gunicorn)
check='import keystone, gunicorn'
if [ "${1:-}" = "--cli" ]; then want+=(python3-openstackclient); check="$check, openstackclient"; fi
if /usr/bin/python3 -c "$check" 2>/dev/null && { [ "${1:-}" != "--cli" ] || [ -x /usr/bin/openstack ]; }; then
  echo "keystone: already installed ($(/usr/bin/python3 -c 'import keystone, os; print(os.path.dirname(keystone.__file__))'))"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
/usr/bin/python3 -c "$check"
echo "keystone: installed ${want[*]}"
