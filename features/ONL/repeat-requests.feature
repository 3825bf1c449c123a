Feature: Patients online: requesting repeat prescriptions
  A signed-in patient asks for another issue of a repeat medication the
  practice prescribes for them. The request is a Task (profile §26) that
  waits for the practice to approve it; nothing is issued by asking. Only a
  current repeat the practice itself prescribes can be asked for. patient7
  has one of each kind: a current repeat, an acute medication, a repeat
  that was stopped, and a repeat another organisation prescribes. The
  harness finds them in the patient's own record summary, so a supplier's
  own identifiers work unchanged.

  @RFA-ONL-034 @lot1 @must @route-extension
  Rule: A repeat request for a current repeat medication is answered 201 with a Task for the practice to approve: status requested, for the patient, focus the medication, owned by the practice

    Scenario: requested by the patient
      Given the patient "patient7" is signed in
      And a repeat request for the patient's current repeat medication
      When the request is sent
      Then the repeat request is recorded as "mine" for the practice to approve

    Scenario: with a note for the practice
      Given the patient "patient7" is signed in
      And a repeat request for the patient's current repeat medication
      And the repeat request's note is "Going on holiday on Friday"
      When the request is sent
      Then the repeat request is recorded as "mine" for the practice to approve

  @RFA-ONL-035 @lot1 @must @route-extension
  Rule: The practice finds the request among the patient's repeat requests, still waiting for approval; so does the patient

    Scenario: the practice sees it
      Given the patient "patient7" is signed in
      And a repeat request for the patient's current repeat medication
      When the request is sent
      Then the repeat request is recorded as "mine" for the practice to approve
      Given the patient signs out
      And a search for the repeat requests of "patient7"
      When the request is sent
      Then the Bundle holds the repeat request "mine", still requested

    Scenario: the patient sees it
      Given the patient "patient7" is signed in
      And a repeat request for the patient's current repeat medication
      When the request is sent
      Then the repeat request is recorded as "mine" for the practice to approve
      Given a search for the repeat requests of "patient7"
      When the request is sent
      Then the Bundle holds the repeat request "mine", still requested

  @RFA-ONL-036 @lot1 @must @route-extension
  Rule: A repeat request for an acute medication, a repeat that has ended, or a repeat another organisation prescribes is refused with 422 INVALID_RESOURCE

    Scenario Outline: <kind>
      Given the patient "patient7" is signed in
      And a repeat request for the patient's <kind> medication
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | kind                           |
        | acute                          |
        | ended repeat                   |
        | other organisation's repeat    |

  @RFA-ONL-037 @lot1 @must @route-extension
  Rule: A repeat request for another patient, or for a medication that is not the patient's or does not exist, is refused with 403 ACCESS DENIED

    Scenario: another patient's medication
      Given the patient "patient7" is signed in
      And a repeat request for the current repeat medication of "patient8"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

    Scenario: for another patient
      Given the patient "patient7" is signed in
      And a repeat request for the patient's current repeat medication
      And the repeat request is for "patient8"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

    Scenario: a medication nobody has
      Given the patient "patient7" is signed in
      And a repeat request for the medication id "no-such-medication"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

  @RFA-ONL-038 @lot1 @must @route-extension
  Rule: A patient sees only their own repeat requests: another patient's are refused with 403 ACCESS DENIED

    Scenario: another patient's requests
      Given the patient "patient8" is signed in
      And a search for the repeat requests of "patient7"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
