#include "http/HopByHop.h"

#include "http/BeastFields.h"
#include "request/HopByHop.h"

namespace mesh {

void removeHopByHopHeaders(boost::beast::http::fields& fields) {
  BeastFields beast(fields);
  removeHopByHopFields(beast);
}

}  // namespace mesh
