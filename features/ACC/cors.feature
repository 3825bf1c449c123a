Feature: Cross-origin access from web pages
  GP Connect is a system-to-system API behind the Spine security proxy. A
  provider that tells browsers any web origin may read its answers (CORS)
  lets a page on another site use a clinician's session or network position
  to read records. Access-Control-Allow-Origin must therefore never be `*`
  or echo an origin it was not configured for.
  (GP Connect: development API security guidance; OWASP, HTML5 security: CORS.)

  # Profile decision: GP Connect says nothing of CORS; its security
  # guidance asks for OWASP Top 10 testing and risk-managed endpoints, not
  # for this header (docs/profile.md).
  @RFA-ACC-032 @lot1 @should @profile-decision @route-national
  Rule: Cross-origin access is not opened to arbitrary web origins

    Scenario: a read sent from another site's page
      Given a metadata request
      And the "Origin" header is "https://attacker.example"
      When the request is sent
      Then the response does not open cross-origin access to "https://attacker.example"

    Scenario: a patient search sent from another site's page
      Given a patient search for the NHS number of "patient2"
      And the "Origin" header is "https://attacker.example"
      When the request is sent
      Then the response does not open cross-origin access to "https://attacker.example"

    Scenario: a CORS preflight asking to send the audit token
      Given a metadata request
      And the request method is OPTIONS
      And the "Origin" header is "https://attacker.example"
      And the "Access-Control-Request-Method" header is "GET"
      And the "Access-Control-Request-Headers" header is "authorization, ssp-traceid"
      When the request is sent
      Then the response does not open cross-origin access to "https://attacker.example"

    Scenario: a sandboxed page (Origin null)
      Given a metadata request
      And the "Origin" header is "null"
      When the request is sent
      Then the response does not open cross-origin access to "null"

    Scenario: control: the same read without an Origin is served
      Given a metadata request
      When the request is sent
      Then the response status is 200
      And the response is a "CapabilityStatement" resource
