#include "tls/SpiffeId.h"

#include <openssl/x509v3.h>

namespace mesh {

std::optional<std::string> spiffeIdOf(X509* certificate) {
  if (!certificate) return std::nullopt;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return std::nullopt;
  std::optional<std::string> id;
  int uris = 0;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    ++uris;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    const std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                           static_cast<size_t>(ASN1_STRING_length(uri)));
    if (text.starts_with("spiffe://")) id = text;
  }
  GENERAL_NAMES_free(names);
  if (uris != 1) return std::nullopt;
  return id;
}

bool inTrustDomain(std::string_view id, std::string_view trustDomain) {
  constexpr std::string_view kScheme = "spiffe://";
  if (!id.starts_with(kScheme)) return false;
  id.remove_prefix(kScheme.size());
  return id.size() > trustDomain.size() + 1 && id.starts_with(trustDomain) &&
         id[trustDomain.size()] == '/';
}

}  // namespace mesh
