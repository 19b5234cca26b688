#include "observability/ResponseFlag.h"

namespace mesh {

std::string_view envoyName(ResponseFlag flag) {
  switch (flag) {
    case ResponseFlag::kNone:
      return "-";
    case ResponseFlag::kDownstreamConnectionTermination:
      return "DC";
    case ResponseFlag::kUpstreamRequestTimeout:
      return "UT";
    case ResponseFlag::kStreamIdleTimeout:
      return "SI";
    case ResponseFlag::kUpstreamConnectionFailure:
      return "UF";
    case ResponseFlag::kUpstreamConnectionTermination:
      return "UC";
    case ResponseFlag::kUpstreamProtocolError:
      return "UPE";
    case ResponseFlag::kDownstreamProtocolError:
      return "DPE";
    case ResponseFlag::kNoRoute:
      return "NR";
    case ResponseFlag::kNoHealthyUpstream:
      return "UH";
    case ResponseFlag::kUpstreamRetryLimitExceeded:
      return "URX";
  }
  return "-";
}

}  // namespace mesh
