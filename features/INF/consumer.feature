Feature: Retrieving another practice's record (the candidate as a GP Connect consumer)
  A clinician retrieves the structured record a patient's other practice
  holds: the GP system finds that practice's endpoint and ASID in the Spine
  Directory Service (SDS), calls it with GP Connect's Spine headers and JWT,
  and files what comes back into the patient's record (profile §37.4). The
  harness hosts an SDS-like directory and the other practice's provider,
  and judges the requests the candidate makes of them; what it filed is read
  back through its own Access Document API. Failed retrievals are for
  patient8, so that no successful one is counted with them.

  @RFA-INF-067 @lot1 @must @consumer @route-readback
  Rule: The provider's endpoint is looked up in SDS, by ODS code and interaction, before it is called, and the address SDS gives is the one called

    Scenario: a retrieval
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the candidate carried out the action
      And the candidate looked the other practice up in SDS before calling it
      And the candidate called the endpoint SDS gave

  @RFA-INF-068 @lot1 @must @consumer @route-readback
  Rule: The request carries the Spine headers: a fresh Ssp-TraceID, the candidate's ASID in Ssp-From, the provider's ASID from SDS in Ssp-To, and the interaction

    Scenario: the Spine headers
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the GP Connect request carried the Spine headers for the other practice

  @RFA-INF-069 @lot1 @must @consumer @route-readback
  Rule: The JWT is for the provider's endpoint (aud) and lives exactly 300 seconds from its issue

    Scenario: the token's audience and lifetime
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the GP Connect request's token was for the other practice's endpoint

  @RFA-INF-070 @lot1 @must @consumer @route-readback
  Rule: The JWT names the user (SDS user id), the practice (ODS code) and the device, for direct care and patient read

    Scenario: the token's claims
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the GP Connect request's token named the user and the practice

  @RFA-INF-071 @lot1 @must @consumer @route-readback
  Rule: The request asks for the patient by NHS number, in the NHS number system, with the parts of the record wanted

    Scenario: the request body
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the GP Connect request asked for "patient5"'s record

  @RFA-INF-072 @lot1 @must @consumer @route-readback
  Rule: The retrieved record is filed in the patient's documents as it was received

    Scenario: filed and read back
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the retrieved record is filed in "patient5"'s documents

  @RFA-INF-073 @lot1 @must @consumer @route-readback
  Rule: A provider's error is reported and nothing is filed

    Scenario Outline: the other practice answers <status>
      Given the retrieved records in "patient8"'s documents are counted
      And the national GP Connect service answers <status> to every request
      When the candidate is asked to retrieve the record of "patient8" from the other practice
      Then the candidate refused the action
      And no retrieved record was added to "patient8"'s documents

      Examples:
        | status |
        | 404    |
        | 403    |
        | 500    |

  @RFA-INF-074 @lot1 @must @consumer @route-readback
  Rule: With no endpoint in SDS, no provider is called and the candidate says so

    Scenario: SDS lists no endpoint
      Given SDS lists no endpoint for the other practice
      When the candidate is asked to retrieve the record of "patient5" from the other practice
      Then the candidate made at least 1 request of SDS
      And the candidate made no requests of GP Connect
      And the candidate refused the action
