Feature: Transport security: TLS 1.2 with mutual authentication
  A GP Connect provider accepts connections only over TLS 1.2 with mutual
  authentication: it presents a certificate that chains to the authority the
  consumer trusts and names its host; it asks every client for a certificate
  and serves only one issued by the trusted authority, within its dates, to
  the Spine security proxy's name; it refuses SSL, TLS 1.0 and TLS 1.1, plain
  HTTP, and cipher suites outside the approved list (AES-GCM or AES-256 with
  ephemeral key exchange).
  These scenarios go to the candidate's TLS endpoint, `[tls]` in the config
  (docs/config.md). The harness mints its client certificates from the
  configured client authority; the wrong ones too. Without `[tls]` the
  scenarios are skipped, never passed. Handshake probes that offer what
  rustls cannot (old versions, unapproved suites) use this machine's
  OpenSSL; if it cannot offer one, that scenario is skipped with the reason.
  (GP Connect: development API security guidance; provider test suite Security.feature.)

  @RFA-ACC-023 @lot1 @must @route-national
  Rule: The API is served over TLS 1.2 to a client presenting a valid certificate

    Scenario: a TLS 1.2 client reads the CapabilityStatement
      Given a metadata request
      And the request goes to the TLS endpoint over TLS 1.2 only
      When the request is sent to the TLS endpoint
      Then the response status is 200
      And the response is a "CapabilityStatement" resource

    Scenario: a TLS 1.2 client searches for a patient
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint over TLS 1.2 only
      When the request is sent to the TLS endpoint
      Then the response status is 200
      And the response is a "Bundle" resource

  @RFA-ACC-024 @lot1 @must @route-national
  Rule: TLS 1.0 and TLS 1.1 are refused

    Scenario Outline: a client that offers only <version>
      When a client offering only <version> connects to the TLS endpoint
      Then the handshake is refused

      Examples:
        | version |
        | TLS 1.0 |
        | TLS 1.1 |

  @RFA-ACC-025 @lot1 @must @route-national
  Rule: Under TLS 1.2 the approved cipher suites are agreed, and only they: AES-GCM or AES-256, with ephemeral key exchange

    Scenario: a client offering ECDHE with AES-GCM is served
      When a client offering only ECDHE with AES-GCM connects to the TLS endpoint
      Then the handshake agrees on an approved suite under TLS 1.2

    Scenario Outline: a client offering only <suite> is served
      When a client offering only the suite <suite> connects to the TLS endpoint
      Then the handshake agrees on an approved suite under TLS 1.2

      Examples:
        | suite                       |
        | ECDHE-RSA-AES128-GCM-SHA256 |
        | ECDHE-RSA-AES256-GCM-SHA384 |
        | ECDHE-RSA-AES256-SHA384     |
        | ECDHE-RSA-AES256-SHA        |
        | DHE-RSA-AES128-GCM-SHA256   |
        | DHE-RSA-AES256-GCM-SHA384   |
        | DHE-RSA-AES256-SHA256       |
        | DHE-RSA-AES256-SHA          |

    Scenario Outline: a client offering only <suites> is refused
      When a client offering only <suites> connects to the TLS endpoint
      Then the handshake is refused

      Examples:
        | suites                  |
        | static RSA key exchange |
        | AES-128 in CBC mode     |
        | ChaCha20-Poly1305       |
        | Camellia                |
        | anonymous key exchange  |
        | the suite NULL-MD5      |

  @RFA-ACC-026 @lot1 @must @route-national
  Rule: Plain HTTP is not served on the TLS endpoint: the connection is closed, or redirected to HTTPS with Strict-Transport-Security

    Scenario: plain HTTP for the CapabilityStatement
      Given a metadata request
      And the request goes to the TLS endpoint as plain HTTP
      When the request is sent to the TLS endpoint
      Then the connection is closed, or redirected with Strict-Transport-Security

    Scenario: plain HTTP for a patient search
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint as plain HTTP
      When the request is sent to the TLS endpoint
      Then the connection is closed, or redirected with Strict-Transport-Security

  @RFA-ACC-027 @lot1 @must @route-national
  Rule: A client that presents no certificate is refused

    Scenario: no certificate, for the CapabilityStatement
      Given a metadata request
      And the request goes to the TLS endpoint presenting no client certificate
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

    Scenario: no certificate, for a patient search
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint presenting no client certificate
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

    Scenario: the harness's certificate is served
      Given a metadata request
      And the request goes to the TLS endpoint presenting the harness's client certificate
      When the request is sent to the TLS endpoint
      Then the response status is 200

  @RFA-ACC-028 @lot1 @must @route-national
  Rule: A client certificate not issued by the trusted authority is refused

    Scenario: a self-signed certificate for the expected name
      Given a metadata request
      And the request goes to the TLS endpoint presenting a self-signed certificate
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

    Scenario: a certificate for the expected name from another authority
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint presenting a certificate from another authority
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

  @RFA-ACC-029 @lot1 @must @route-national
  Rule: A client certificate outside its validity period is refused

    Scenario: a certificate that expired yesterday
      Given a metadata request
      And the request goes to the TLS endpoint presenting an expired certificate
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

    Scenario: a certificate valid only from tomorrow
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint presenting a certificate that is not yet valid
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

  @RFA-ACC-030 @lot1 @must @route-national
  Rule: A client certificate issued to a name other than the Spine security proxy's is refused

    Scenario: a certificate from the trusted authority for another name
      Given a metadata request
      And the request goes to the TLS endpoint presenting a certificate issued to another name
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

    Scenario: another name, for a patient search
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint presenting a certificate issued to another name
      When the request is sent to the TLS endpoint
      Then the candidate does not serve it

  @RFA-ACC-031 @lot1 @must @route-national
  Rule: The candidate's certificate chains to the trusted authority, is in date and names the host it is reached at

    Scenario: a client that verifies the certificate reads the CapabilityStatement
      Given a metadata request
      And the request goes to the TLS endpoint, verifying its certificate
      When the request is sent to the TLS endpoint
      Then the response status is 200

    Scenario: a client that verifies the certificate searches for a patient
      Given a patient search for the NHS number of "patient2"
      And the request goes to the TLS endpoint, verifying its certificate
      When the request is sent to the TLS endpoint
      Then the response status is 200
