// Hosts, namespaces, ports and `port` conditions (sema/AddressCheck.cpp).

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;

std::string summary(const std::string& text) { return check(text).summary(); }

TEST(AddressCheck, HostsNamespacesAndSeveralPortsAreAccepted) {
  const auto c = check(
      "mesh m { namespace shop; cluster_domain \"corp.internal\"; }\n"
      "service web {\n"
      "  namespace frontend;\n"
      "  port 80; port 8443 http;\n"
      "  hosts [\"example.com\", \"*.example.com\", \"WWW.Example.org\"];\n"
      "  subset v1 { endpoints []; }\n"
      "  route { when port 8443 => v1; otherwise => v1; }\n"
      "}\n"
      "workload w { service web; version v1; calls web; service_account web-sa; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(AddressCheck, AHostLeadsToOneService) {
  EXPECT_EQ(summary("mesh m { }\n"
                    "service reviews { port 80; hosts [\"ratings.default\"]; subset v1 {} }\n"
                    "service ratings { port 80; hosts [\"REVIEWS\", \"api.example\", "
                    "\"api.example\"]; subset v1 {} }\n"),
            // ratings' own name ratings.default, claimed first by reviews' hosts list
            "3:9: error[E0209]: host \"ratings.default\" already belongs to service 'reviews'; "
            "a host routes to one service\n"
            "2:35: note: claimed here\n"
            "3:35: error[E0209]: host \"reviews\" already belongs to service 'reviews'; a host "
            "routes to one service\n"
            "2:9: note: claimed here\n"
            "3:61: error[E0209]: service 'ratings' already answers to host \"api.example\"\n"
            "3:46: note: claimed here\n");
}

TEST(AddressCheck, MalformedHostsNamespacesAndClusterDomains) {
  EXPECT_EQ(summary("mesh m { namespace Shop_1; cluster_domain \"cluster..local\"; }\n"
                    "service web { port 80; namespace Web; hosts [\"example.com:80\", \"*\", "
                    "\"a.*.b\", \"*.ok.example\"]; subset v1 {} }\n"),
            "1:20: error[E0323]: namespace 'Shop_1' is not a DNS label: lower-case letters, "
            "digits and '-', at most 63, starting and ending with a letter or digit\n"
            "1:43: error[E0321]: cluster domain \"cluster..local\" is not a DNS name (letters, "
            "digits and '-' in dot-separated labels)\n"
            "2:34: error[E0323]: namespace 'Web' is not a DNS label: lower-case letters, digits "
            "and '-', at most 63, starting and ending with a letter or digit\n"
            "2:46: error[E0321]: host \"example.com:80\" is not a DNS name; leave the port out: a "
            "service answers on each port it declares\n"
            "2:64: error[E0321]: host \"*\" is not a DNS name (letters, digits and '-' in "
            "dot-separated labels, or \"*.\" and such a name)\n"
            "2:69: error[E0321]: host \"a.*.b\" is not a DNS name (letters, digits and '-' in "
            "dot-separated labels, or \"*.\" and such a name)\n");
}

TEST(AddressCheck, DuplicatePortsAndPortConditionsOnUndeclaredPorts) {
  EXPECT_EQ(summary("mesh m { }\n"
                    "service web {\n"
                    "  port 80; port 8080; port 80;\n"
                    "  subset v1 {}\n"
                    "  route { when port 9090 => v1; when not port 8080 => v1; otherwise => v1; }\n"
                    "}\n"),
            "3:23: error[E0210]: service 'web' declares port 80 twice\n"
            "3:3: note: first declared here\n"
            "5:16: error[E0411]: service 'web' has no port 9090, so this condition never holds; "
            "its ports are 80, 8080\n");
}

}  // namespace
}  // namespace meshc
