#!/bin/sh
# Reproduces the errors Node gives when @tensorflow/tfjs-node-gpu cannot be
# loaded, with stub shared libraries instead of CUDA, and prints them as the
# JSON saved in test/fixtures/load-errors.json.
# (Debian links with --as-needed by default, hence --no-as-needed: the stubs
# define nothing the addon calls.)
# Needs gcc and Node's headers (node_api.h); run: sh scripts/make-load-error-fixtures.sh
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
inc=$(dirname "$(command -v node)")/../include/node
[ -f "$inc/node_api.h" ] || inc=/usr/include/node

cat > addon.c <<'C'
#include <node_api.h>
static napi_value Init(napi_env env, napi_value exports) { return exports; }
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
C
stub() { echo "int $2(void) { return 0; }" > "$1.c"; gcc -shared -fPIC -o "$1" -Wl,-soname,"$1" "$1.c" $3; }

# 1. the addon itself needs libcudnn.so.8, which is absent at load time
stub libcudnn.so.8 cudnnGetVersion ""
gcc -shared -fPIC -I"$inc" -o needs_cudnn.node addon.c -L. -Wl,--no-as-needed -l:libcudnn.so.8
rm libcudnn.so.8
# 2. the addon needs libtensorflow.so.2 (present, next to it) which needs libcudart.so.11.0 (absent)
stub libcudart.so.11.0 cudaRuntimeGetVersion ""
stub libtensorflow.so.2 TF_Version "-L. -Wl,--no-as-needed -l:libcudart.so.11.0"
gcc -shared -fPIC -I"$inc" -o needs_tf.node addon.c -L. -Wl,--no-as-needed -l:libtensorflow.so.2 -Wl,-rpath,'$ORIGIN'
rm libcudart.so.11.0
# 3. the addon calls a symbol no loaded library defines (a version mismatch), bound at load time
echo 'extern int cudnnCreate_v9(void); int use(void) { return cudnnCreate_v9(); }' > use.c
gcc -shared -fPIC -I"$inc" -o undefined_symbol.node addon.c use.c -Wl,-z,now -Wl,--unresolved-symbols=ignore-all
# 4. a package that is not installed, and a package whose addon file is missing
mkdir -p node_modules/@tensorflow/tfjs-node-gpu
echo "require('./lib/napi-v8/tfjs_binding.node')" > node_modules/@tensorflow/tfjs-node-gpu/index.js

node -e '
const out = {};
const grab = (name, f) => { try { f(); } catch (e) { out[name] = { code: e.code, message: e.message.replaceAll(process.cwd(), "/app"), ...(e.requireStack ? { requireStack: e.requireStack.map((p) => p.replaceAll(process.cwd(), "/app")) } : {}) }; } };
grab("dlopenDirect", () => require("./needs_cudnn.node"));
grab("dlopenIndirect", () => require("./needs_tf.node"));
grab("undefinedSymbol", () => require("./undefined_symbol.node"));
grab("missingAddon", () => require("@tensorflow/tfjs-node-gpu"));
grab("notInstalled", () => require("@tensorflow/tfjs-node-gpu-not-here"));
out.notInstalled.message = out.notInstalled.message.replace("tfjs-node-gpu-not-here", "tfjs-node-gpu");
out.node = process.version;
console.log(JSON.stringify(out, null, 2));
'
