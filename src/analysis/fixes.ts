/**
 * Concrete fixes per root cause, for the stacks our users run. Kept apart from the rules so the
 * wording can be reviewed in one place.
 */

export const FIX = {
  notRequested:
    'If you expected mutual TLS, make the server ask for a client certificate: openssl s_server -Verify 1 -verify_return_error -CAfile clients-ca.pem; ' +
    'nginx ssl_verify_client on + ssl_client_certificate clients-ca.pem; Envoy require_client_certificate: true with a validation_context; ' +
    'Go tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}; Node tls.createServer({requestCert: true, rejectUnauthorized: true, ca}).',
  emptyCert:
    'Give the client a certificate issued by one of the CAs the server lists, and its key: openssl s_client -cert client.pem -key client.key; ' +
    'curl --cert client.pem --key client.key; Go tls.Config.Certificates (or GetClientCertificate); Node tls.connect({cert, key}). ' +
    'Clients pick a certificate whose issuer is in the server\'s CertificateRequest list: check the issuer of the certificate you configured against it.',
  unknownCa:
    'Either issue the client certificate from a CA the server trusts, or add the client\'s issuing CA (and any intermediate) to the server\'s client-CA bundle: ' +
    'openssl s_server -CAfile clients-ca.pem; nginx ssl_client_certificate clients-ca.pem (and ssl_verify_depth for intermediates); ' +
    'Envoy validation_context.trusted_ca; Go tls.Config.ClientCAs; Node tls.createServer({ca: [...]}). If an intermediate issued the client certificate, ' +
    'make the client send it (openssl s_client -cert_chain chain.pem; curl --cert with the full chain in the PEM).',
  expired:
    'Renew the client certificate (the validity window must include the time of the connection), and check the client machine\'s clock.',
  notYetValid:
    'The client certificate is not valid yet at the time of the connection: check the clocks of the issuing CA and of the server, or re-issue it with an earlier notBefore.',
  badUsage:
    'Re-issue the client certificate with extendedKeyUsage = clientAuth and keyUsage = digitalSignature (openssl x509 -extfile with "extendedKeyUsage=clientAuth\\nkeyUsage=digitalSignature").',
  keyMismatch:
    'The client signed CertificateVerify with a key that does not belong to its certificate (or with a scheme the server refuses): configure the matching pair ' +
    '(openssl s_client -cert client.pem -key client.key; compare `openssl x509 -noout -pubkey -in client.pem` with `openssl pkey -pubout -in client.key`).',
  serverRejected:
    'The client does not trust the server\'s certificate: give the client the CA that issued it (openssl s_client -CAfile server-ca.pem; curl --cacert server-ca.pem; ' +
    'Go tls.Config.RootCAs; Node tls.connect({ca})), make the server send its intermediate certificates, or renew an expired server certificate.',
  notEnforced:
    'Make the server fail the handshake when client-certificate verification fails: openssl s_server -Verify 1 -verify_return_error ' +
    '(SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT); nginx ssl_verify_client on (not optional_no_ca); Go tls.Config{ClientAuth: tls.RequireAndVerifyClientCert}; ' +
    'Node tls.createServer({requestCert: true, rejectUnauthorized: true}); Envoy require_client_certificate: true with a validation_context.',
  noKeys:
    'Record the TLS secrets and pass them with --keylog: SSLKEYLOGFILE=/tmp/keys.log for curl, Firefox, Chrome and Node (node --tls-keylog=/tmp/keys.log), ' +
    'openssl s_client -keylogfile /tmp/keys.log; or embed them in the capture (editcap --inject-secrets tls,/tmp/keys.log in.pcap out.pcapng).',
  gap:
    'Capture again with a larger buffer and without truncation (tcpdump -B 32768 -s 0 -w ...), on the host itself rather than a SPAN port if possible.',
  incomplete:
    'The handshake stopped without an alert: check the peer\'s logs (many stacks — Node, nginx — close without an alert when they reject a certificate), firewalls, and timeouts.',
} as const;
