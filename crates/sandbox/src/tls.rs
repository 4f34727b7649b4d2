//! A throw-away certificate authority and serving certificate for HTTPS, generated at start.
//!
//! The CA's PEM goes into the written kubeconfig (`certificate-authority-data`), so kubectl,
//! helm and kube-rs verify the server exactly as they would a real cluster's.

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::Error;

/// The generated CA and server certificate.
#[derive(Debug)]
pub(crate) struct Certs {
    /// PEM of the CA certificate that signed the serving certificate.
    pub(crate) ca_pem: String,
    /// The rustls configuration serving HTTP/2 and HTTP/1.1.
    pub(crate) server_config: Arc<rustls::ServerConfig>,
}

/// Generates a CA and a serving certificate valid for localhost, 127.0.0.1, ::1 and `extra_ip`.
pub(crate) fn generate(extra_ip: Option<IpAddr>) -> Result<Certs, Error> {
    let gen_err = Error::GenerateCertificates;
    let ca_key = KeyPair::generate().map_err(gen_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(gen_err)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "charthouse-sandbox-ca");
    ca_params.distinguished_name = dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(gen_err)?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(gen_err)?;
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "kubernetes".to_string()])
            .map_err(gen_err)?;
    let mut ips: Vec<IpAddr> = vec![[127, 0, 0, 1].into(), std::net::Ipv6Addr::LOCALHOST.into()];
    if let Some(ip) = extra_ip.filter(|ip| !ip.is_unspecified() && !ips.contains(ip)) {
        ips.push(ip);
    }
    params
        .subject_alt_names
        .extend(ips.into_iter().map(SanType::IpAddress));
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "charthouse-sandbox-apiserver");
    params.distinguished_name = dn;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let server_cert = params.signed_by(&server_key, &issuer).map_err(gen_err)?;

    let chain = vec![
        CertificateDer::from(server_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(Error::ConfigureTls)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(Error::ConfigureTls)?;
    // kubectl and client-go negotiate HTTP/2 when offered, as with a real API server.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Certs {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_a_pem_ca_and_alpn() {
        let c = generate(Some([10, 0, 0, 1].into())).unwrap();
        assert!(c.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(c.server_config.alpn_protocols[0], b"h2");
    }
}
