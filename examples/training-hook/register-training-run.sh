#!/usr/bin/env bash
# The training-pipeline hook of the lineage registry (docs/API.md, "Derived
# artifacts"): a training job runs this after it wrote its model weights.
#
# 1. Registers the model RUN as trained on exactly the files under
#    $PHOTOS_DIR: `shredproof artifact register --manifest-dir` hashes every
#    file (SHA-256), registers the RFC 6962 root of the manifest, then uploads
#    its lines, which the server checks against that root.
# 2. Registers RUN-finetuned, a model fine-tuned from the first.
# 3. Shows the second with its lineage.
#
# An order that destroys those photos can then find both models: they were
# derived from them. Environment (see README.md): SHREDPROOF_SERVER and
# SHREDPROOF_TOKEN (an operator's token); PHOTOS_DIR, PHOTOS_BACKEND and
# PHOTOS_PREFIX (where the photos are, and how the server's backend names
# them); MODELS_BACKEND and MODELS_PREFIX (where the weights are written).
set -euo pipefail

RUN=${1:?usage: register-training-run.sh RUN-NAME (lowercase letters, digits, . _ -)}
: "${PHOTOS_DIR:?set PHOTOS_DIR: the directory of the photos the model was trained on}"
PHOTOS_BACKEND=${PHOTOS_BACKEND:-photos}
PHOTOS_PREFIX=${PHOTOS_PREFIX:-}
MODELS_BACKEND=${MODELS_BACKEND:-photos}
MODELS_PREFIX=${MODELS_PREFIX:-models/}

# The run name is an artifact name (letters, digits, . _ -): safe inside the JSON below.
case "$RUN" in *[!a-z0-9._-]*|[._-]*|'') echo "register-training-run.sh: RUN must be lowercase letters, digits, and . _ - (not first): $RUN" >&2; exit 2 ;; esac

npx shredproof artifact register \
  --name "$RUN" \
  --kind model \
  --description "model $RUN, trained on the photos under $PHOTOS_DIR" \
  --backend "$MODELS_BACKEND" --scope-json "{\"include\": [\"$MODELS_PREFIX$RUN/**\"]}" \
  --manifest-dir "$PHOTOS_DIR" --manifest-backend "$PHOTOS_BACKEND" --manifest-prefix "$PHOTOS_PREFIX"

npx shredproof artifact register \
  --name "$RUN-finetuned" \
  --kind model \
  --description "model $RUN-finetuned, fine-tuned from $RUN" \
  --backend "$MODELS_BACKEND" --scope-json "{\"include\": [\"$MODELS_PREFIX$RUN-finetuned/**\"]}" \
  --from-artifact "$RUN"

npx shredproof artifact show "$RUN-finetuned"
