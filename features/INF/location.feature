Feature: Reading locations
  GP Connect has no location search: a consumer reads a location by the
  logical id it found elsewhere (a Slot's Schedule, an Appointment), so the
  candidate config maps each fixture location to its logical id.
  (GP Connect: Read a location; provider test suite LocationRead.feature.)

  @RFA-INF-020 @lot1 @must @route-national
  Rule: Reading a location returns it, conformant to CareConnect-GPC-Location-1, with a weak ETag naming its version; its managing organisation and any location it is part of read back

    Conformant as the official suite checks it: at most one ODS site code,
    type and physicalType codings with system, code and display, telecom
    with FHIR codes, partOf a relative Location reference, no endpoint.

    Scenario Outline: reading <location>
      Given a Location read of "<location>"
      When the request is sent
      Then the response is the Location "<location>" with the requested id
      And the response conforms to the "location" schema
      And the response has an ETag for the version it returned
      And the Location's partOf if present reads back
      And the Location's managingOrganization reads back

      Examples:
        | location  |
        | location1 |
        | location2 |

  @RFA-INF-021 @lot1 @must @route-national
  Rule: Reading a logical id the system does not hold is refused with 404 NO_RECORD_FOUND

    Scenario Outline: the logical id <id>
      Given a Location read of the logical id "<id>"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

      Examples:
        | id                                   |
        | 00000000-0000-4000-8000-000000000000 |
        | th.as.e                              |

    Scenario: control: a location the system holds is read
      Given a Location read of "location1"
      When the request is sent
      Then the response status is 200
      And the response is a "Location" resource
