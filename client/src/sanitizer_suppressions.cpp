// LeakSanitizer suppressions for sanitized builds (PLEDGE_SANITIZE): cpprestsdk's task chains of a
// failed request may still be pending in its thread pool when a process exits, which LSan would
// report as leaks of that library on some runs. Our own code is not suppressed.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcpprest.so\n"
         // OpenSSL's state of cpprestsdk's https clients (contexts pooled by the library).
         "leak:libcrypto.so\n"
         "leak:libssl.so\n"
         "leak:pplx::details::\n"
         "leak:Concurrency::streams::details::\n";
}
#endif
