// libxml2 initialisation and silencing.
#include "ingest/formats/xml_setup.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <mutex>

namespace sagsindeks {

namespace {
void quiet(void*, const char*, ...) {}
void quiet_structured(void*, xmlErrorPtr) {}
}  // namespace

void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  // Both handlers are per-thread in libxml2, so every calling thread sets its own.
  xmlSetGenericErrorFunc(nullptr, quiet);
  xmlSetStructuredErrorFunc(nullptr, quiet_structured);
}

}  // namespace sagsindeks
