#!/usr/bin/env bash
# Writes docs/compatibility.md from the field table (src/api/decode/create-fields.ts).
# Run after `npm run build`; a unit test fails while the committed file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
node --input-type=module -e "import('./dist/src/api/decode/create-fields-doc.js').then((m) => process.stdout.write(m.compatibilityMarkdown()))" > docs/compatibility.md
echo "wrote docs/compatibility.md"
