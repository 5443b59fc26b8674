// libxml2 set-up shared by the HTML and office readers: initialised once (thread safety), and its
// generic error printer silenced on the calling thread (the library never prints).
#pragma once

namespace sagsindeks {

void init_libxml2();

}  // namespace sagsindeks
