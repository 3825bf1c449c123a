Feature: Records for clinicians in other organisations
  The point of GP Connect is a clinician elsewhere — another practice, an
  out-of-hours service, a hospital — seeing the record the patient's own
  practice holds. The request comes through the Spine Security Proxy from
  another organisation's system with its own ASID; it is served when it is
  addressed to this provider and refused when it is addressed to another.
  (GP Connect: Spine Security Proxy; Access Record Structured; provider
  test suite SSP.feature.)

  @RFA-INF-066 @lot1 @must @route-national
  Rule: A structured record request from another organisation's system is served when Ssp-To names this provider, and refused with 400 BAD_REQUEST when it names another

    Scenario: a clinician at another practice
      Given a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      And the "Ssp-From" header is "200000000359"
      And the JWT claim "requesting_organization" is set to:
        """
        {
          "resourceType": "Organization",
          "identifier": [{ "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "A81001" }],
          "name": "Another GP practice"
        }
        """
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

    Scenario Outline: addressed to another provider (<asid>)
      Given a structured record request for "patient2"
      And the parameter "includeMedication"
      And the "Ssp-To" header is "<asid>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | asid         |
        | 918999198993 |
        | 200000000359 |
