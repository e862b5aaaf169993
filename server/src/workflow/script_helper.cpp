// pledge-script's work: one JSON request per line on stdin ({"lang": "js" | "jq", "code",
// "input"}), one answer per line on stdout ({"ok": true, "value"} or {"ok": false, "error"}).
// JavaScript runs on duktape in a fresh heap per request whose allocations are counted against
// the memory limit; jq runs on libjq. A script that loops forever is stopped by the server,
// which kills this process.
#include <duktape.h>
#include <sys/resource.h>

extern "C" {
#include <jq.h>
}

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "pledge/server/workflow/script_sandbox.h"

namespace pledge::server::workflow {
namespace {

struct Budget {
  std::size_t used = 0;
  std::size_t limit = 0;
};

// Every block carries its size in front, so that frees and reallocations are counted.
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* budgetAlloc(void* udata, duk_size_t size) {
  auto* budget = static_cast<Budget*>(udata);
  if (budget->used + size > budget->limit) return nullptr;
  auto* block = static_cast<char*>(std::malloc(size + kHeader));
  if (!block) return nullptr;
  std::memcpy(block, &size, sizeof size);
  budget->used += size;
  return block + kHeader;
}

void budgetFree(void* udata, void* pointer) {
  if (!pointer) return;
  auto* block = static_cast<char*>(pointer) - kHeader;
  std::size_t size = 0;
  std::memcpy(&size, block, sizeof size);
  static_cast<Budget*>(udata)->used -= size;
  std::free(block);
}

void* budgetRealloc(void* udata, void* pointer, duk_size_t size) {
  if (!pointer) return budgetAlloc(udata, size);
  if (size == 0) {
    budgetFree(udata, pointer);
    return nullptr;
  }
  auto* budget = static_cast<Budget*>(udata);
  auto* block = static_cast<char*>(pointer) - kHeader;
  std::size_t old = 0;
  std::memcpy(&old, block, sizeof old);
  if (budget->used - old + size > budget->limit) return nullptr;
  auto* grown = static_cast<char*>(std::realloc(block, size + kHeader));
  if (!grown) return nullptr;
  std::memcpy(grown, &size, sizeof size);
  budget->used = budget->used - old + size;
  return grown + kHeader;
}

void fatal(void*, const char* message) {
  std::cerr << "pledge-script: duktape: " << (message ? message : "fatal error") << "\n";
  std::_Exit(3);
}

Json runJavaScript(const std::string& code, const Json& input, std::size_t memoryBytes) {
  Budget budget{.used = 0, .limit = memoryBytes};
  duk_context* ctx = duk_create_heap(budgetAlloc, budgetRealloc, budgetFree, &budget, fatal);
  if (!ctx) throw std::runtime_error("cannot create a JavaScript heap");
  struct Destroy {
    duk_context* ctx;
    ~Destroy() { duk_destroy_heap(ctx); }
  } destroy{ctx};
  const std::string inputText = dumpJson(input);
  duk_push_lstring(ctx, inputText.data(), inputText.size());
  duk_json_decode(ctx, -1);
  duk_put_global_string(ctx, "$");
  if (duk_peval_lstring(ctx, code.data(), code.size()) != 0) {
    std::string message = duk_safe_to_string(ctx, -1);
    if (budget.used + 4096 > budget.limit || message.find("alloc") != std::string::npos) {
      message += " (the script's memory limit is " + std::to_string(memoryBytes >> 20) + " MiB)";
    }
    throw std::runtime_error(message);
  }
  if (duk_is_undefined(ctx, -1) || duk_is_function(ctx, -1)) return nullptr;
  const char* encoded = duk_json_encode(ctx, -1);
  return encoded ? parseJson(encoded) : Json();
}

std::string jvMessage(jv value) {
  std::string out = "jq: ";
  if (jv_get_kind(value) == JV_KIND_STRING) {
    out += jv_string_value(value);
  } else {
    jv text = jv_dump_string(jv_copy(value), 0);
    out += jv_string_value(text);
    jv_free(text);
  }
  jv_free(value);
  return out;
}

void collectError(void* data, jv message) {
  auto* errors = static_cast<std::string*>(data);
  if (!errors->empty()) *errors += "; ";
  *errors += jvMessage(message).substr(4);
}

Json runJq(const std::string& code, const Json& input) {
  jq_state* jq = jq_init();
  if (!jq) throw std::runtime_error("cannot start jq");
  struct Teardown {
    jq_state* jq;
    ~Teardown() { jq_teardown(&jq); }
  } teardown{jq};
  std::string errors;
  jq_set_error_cb(jq, collectError, &errors);
  if (!jq_compile(jq, code.c_str())) {
    throw std::runtime_error("jq: the program does not compile: " + errors);
  }
  jv parsed = jv_parse(dumpJson(input).c_str());
  if (!jv_is_valid(parsed)) throw std::runtime_error(jvMessage(jv_invalid_get_msg(parsed)));
  jq_start(jq, parsed, 0);
  Json results = Json::array();
  for (jv out = jq_next(jq); ; out = jq_next(jq)) {
    if (!jv_is_valid(out)) {
      jv message = jv_invalid_get_msg(out);
      if (jv_get_kind(message) == JV_KIND_NULL) {
        jv_free(message);
        break;
      }
      throw std::runtime_error(jvMessage(message));
    }
    jv text = jv_dump_string(out, 0);
    results.push_back(parseJson(jv_string_value(text)));
    jv_free(text);
  }
  return results;
}

}  // namespace

int runScriptHelper(std::int64_t memoryBytes) {
#if !defined(__SANITIZE_ADDRESS__)
  // A second fence for jq, whose allocations are not counted: the address space.
  const rlim_t space = static_cast<rlim_t>(memoryBytes) * 4 + (256ULL << 20);
  const rlimit limit{space, space};
  setrlimit(RLIMIT_AS, &limit);
#endif
  std::string line;
  while (std::getline(std::cin, line)) {
    Json answer;
    try {
      const Json request = parseJson(line);
      const std::string code = request.at("code").get<std::string>();
      answer = {{"ok", true},
                {"value", request.at("lang") == "jq"
                              ? runJq(code, request.at("input"))
                              : runJavaScript(code, request.at("input"),
                                              static_cast<std::size_t>(memoryBytes))}};
    } catch (const std::exception& error) {
      answer = {{"ok", false}, {"error", error.what()}};
    }
    std::cout << dumpJson(answer) << "\n" << std::flush;
  }
  return 0;
}

}  // namespace pledge::server::workflow
