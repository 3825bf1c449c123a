Feature: Registering a new patient after a PDS trace (the candidate as a PDS client)
  A GP system registers a new patient only once the national patient index
  (PDS) has identified them: it traces them by their demographics, and
  registers a unique, living match under PDS's NHS number with PDS's
  demographics (profile §37.2). The harness hosts a PDS-like service
  serving fixtures/national.json and asks the candidate to register through
  its test-control trigger, or a tester does it in the candidate's user
  interface; what the candidate registered is then found through its own
  Patient search.

  @RFA-REC-046 @lot1 @must @consumer @route-readback
  Rule: A new patient is traced on PDS and registered under the NHS number PDS gives

    Scenario: a new patient from the trace pool
      Given "newcomer" is the first of trace1 to trace1000 the candidate does not hold
      When the candidate is asked to register "newcomer"
      Then the candidate carried out the action
      And the candidate traced "newcomer" on PDS
      And "newcomer" is registered at the candidate

  @RFA-REC-047 @lot1 @must @consumer @route-readback
  Rule: Every PDS request carries its own X-Request-ID (a UUID), an X-Correlation-ID and a bearer token

    Scenario: two registrations, two traces
      Given "first" is the first of trace1001 to trace2000 the candidate does not hold
      And the candidate is asked to register "first"
      And "second" is the first of trace2001 to trace3000 the candidate does not hold
      When the candidate is asked to register "second"
      Then the candidate made at least 2 requests of PDS
      And every PDS request carried a UUID in "X-Request-ID"
      And the PDS requests' "X-Request-ID" values were all different
      And every PDS request carried "X-Correlation-ID"
      And every PDS request carried "Authorization"

  @RFA-REC-048 @lot1 @must @consumer @route-readback
  Rule: A trace that does not identify one patient registers no one: no match, or more than one

    Scenario: PDS knows no one with these demographics
      When the candidate is asked to register someone PDS does not know
      Then the candidate made 1 request of PDS
      And the candidate refused the action

    Scenario: two PDS records share these demographics
      When the candidate is asked to register "traceTwinA"
      Then the candidate refused the action
      And "traceTwinA" is not registered at the candidate
      And "traceTwinB" is not registered at the candidate

    Scenario: PDS answers that too many patients match
      Given every PDS search finds too many matches
      When the candidate is asked to register "traceUnlucky"
      Then the candidate made 1 request of PDS
      And the candidate refused the action
      And "traceUnlucky" is not registered at the candidate

  @RFA-REC-049 @lot1 @must @consumer @route-readback
  Rule: When PDS fails, the candidate registers no one untraced and says so

    Scenario Outline: PDS answers <status>
      Given the national PDS service answers <status> to every request
      When the candidate is asked to register "traceUnlucky"
      Then the candidate made at least 1 request of PDS
      And the candidate refused the action
      And "traceUnlucky" is not registered at the candidate

      Examples:
        | status |
        | 503    |
        | 500    |
        | 429    |

  @RFA-REC-050 @lot1 @must @consumer @route-readback
  Rule: The patient is registered with PDS's demographics, not as typed

    Scenario: the name typed in another case and shortened
      When the candidate is asked to register "traceFull" typed as "DEXTER", "jo"
      Then the candidate traced "traceFull" on PDS
      And "traceFull" is registered at the candidate with PDS's name

  @RFA-REC-051 @lot1 @must @consumer @route-readback
  Rule: A superseded NHS number is registered under the current one PDS answers with

    Scenario: registering by a superseded NHS number
      When the candidate is asked to register NHS number 9990030146
      Then "traceCurrent" is registered at the candidate
      And NHS number 9990030146 is not registered at the candidate

  @RFA-REC-052 @lot1 @must @consumer @route-readback
  Rule: A patient PDS records as deceased is not registered

    Scenario: deceased on PDS
      When the candidate is asked to register "traceDeceased"
      Then the candidate made at least 1 request of PDS
      And the candidate refused the action
      And "traceDeceased" is not registered at the candidate

  @RFA-REC-053 @lot1 @must @consumer @route-readback
  Rule: A patient PDS restricts is registered, then held as sensitive: the candidate's Patient search leaves them out and their structured record is refused with 404 PATIENT_NOT_FOUND

    Scenario: restricted on PDS
      Given the candidate is asked to register "traceRestricted"
      And a structured record request for the NHS number "9990030308"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"
      And the candidate traced "traceRestricted" on PDS
      And the candidate carried out the action, or held "traceRestricted" already
      And "traceRestricted" is left out of the candidate's Patient search
