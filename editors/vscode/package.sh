#!/usr/bin/env bash
# Package the VS Code extension as putlint-<version>.vsix (needs Node.js and npm).
# Install it with: code --install-extension editors/vscode/putlint-0.1.0.vsix
set -euo pipefail
cd "$(dirname "$0")"
npm install --silent --no-audit --no-fund
npx --no-install vsce package --allow-missing-repository --skip-license --out "putlint-$(node -p 'require("./package.json").version').vsix"
