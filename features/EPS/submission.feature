Feature: Submitting prescriptions to EPS (the candidate as an EPS client)
  A prescription issued in the GP system goes to the Electronic Prescription
  Service as a signed prescription-order message; a brief outage is ridden
  out by resending the same message, a longer one by holding the
  prescription and sending it later — unless it was cancelled meanwhile
  (profile §37.3). The harness hosts an EPS-like `$process-message` service
  and judges every message the candidate sends it.

  @RFA-EPS-033 @lot1 @must @consumer @route-readback
  Rule: An issued prescription is submitted to EPS as a prescription-order message with the medicine coded in dm+d

    Scenario: one prescription
      When the candidate is asked to issue a prescription "amoxicillin" for "patient2"
      Then the candidate carried out the action
      And the candidate submitted "amoxicillin" to EPS as a prescription order

  @RFA-EPS-034 @lot1 @must @consumer @route-readback
  Rule: Each prescription gets its own well-formed prescription ID with a correct check character

    Scenario: two prescriptions
      When the candidate is asked to issue a prescription "first" for "patient2"
      And the candidate is asked to issue a prescription "second" for "patient2"
      Then the prescription ID of "first" is well-formed
      And the prescription ID of "second" is well-formed
      And "first" and "second" have different prescription IDs

  @RFA-EPS-035 @lot1 @must @consumer @route-readback
  Rule: Every EPS request carries an X-Request-ID (a UUID), an X-Correlation-ID, the user's NHSD-Session-URID and a bearer token

    Scenario: the headers of a submission
      When the candidate is asked to issue a prescription "headers" for "patient2"
      Then every EPS request carried a UUID in "X-Request-ID"
      And every EPS request carried "X-Correlation-ID"
      And every EPS request carried "NHSD-Session-URID"
      And every EPS request carried "Authorization"

  @RFA-EPS-036 @lot1 @must @consumer @route-readback
  Rule: The order names the prescriber by SDS user id, the practice by ODS code and the patient by NHS number

    Scenario: who and for whom
      When the candidate is asked to issue a prescription "named" for "patient2"
      Then the EPS order for "named" names the prescriber, the practice and the patient

  @RFA-EPS-037 @lot1 @must @consumer @route-readback
  Rule: The order carries the prescriber's signature over the prescription

    Scenario: a signed order
      When the candidate is asked to issue a prescription "signed" for "patient2"
      Then the EPS order for "signed" is signed by the prescriber

  @RFA-EPS-038 @lot1 @must @consumer @route-readback
  Rule: A submission EPS could not take for a moment (503, 429) is sent again

    Scenario Outline: EPS answers <status> once
      Given the national EPS service answers <status> to the next 1 request
      When the candidate is asked to issue a prescription "retried" for "patient2"
      Then the candidate made 2 requests of EPS
      And EPS accepted "retried"

      Examples:
        | status |
        | 503    |
        | 429    |

  @RFA-EPS-039 @lot1 @must @consumer @route-readback
  Rule: A retry resends the same message: the same message identifier, prescription ID and X-Request-ID, so EPS can tell it is a retry

    Scenario: EPS answers 503 once
      Given the national EPS service answers 503 to the next 1 request
      When the candidate is asked to issue a prescription "same" for "patient2"
      Then every EPS request for "same" was the same message
      And the candidate sent "same" to EPS 2 times

  @RFA-EPS-040 @lot1 @must @consumer @route-readback
  Rule: A submission EPS rejects as invalid (400) is not retried, and the candidate says so

    Scenario: EPS answers 400
      Given the national EPS service answers 400 to the next 1 request
      When the candidate is asked to issue a prescription "rejected" for "patient2"
      Then the candidate sent "rejected" to EPS 1 time
      And the candidate refused the action

  @RFA-EPS-041 @lot1 @must @consumer @route-readback
  Rule: Retries are bounded: at most 3 attempts while EPS stays unavailable, then the prescription is held

    Scenario: EPS stays unavailable
      Given the national EPS service answers 503 to every request
      When the candidate is asked to issue a prescription "held" for "patient2"
      Then the candidate sent "held" to EPS at most 3 times

  @RFA-EPS-042 @lot1 @must @consumer @route-readback
  Rule: Cancelling a submitted prescription sends EPS a cancellation of that prescription ID

    Scenario: cancel after submission
      When the candidate is asked to issue a prescription "mistake" for "patient2"
      And the candidate is asked to cancel the prescription "mistake"
      Then the candidate carried out the action
      And the candidate sent EPS a cancellation of "mistake"

  @RFA-EPS-043 @lot1 @must @consumer @route-readback
  Rule: Held prescriptions are sent when EPS is back, except any cancelled while held

    Scenario: one held prescription cancelled, one not
      Given the national EPS service answers 503 to every request
      When the candidate is asked to issue a prescription "cancelled" for "patient2"
      And the candidate is asked to issue a prescription "wanted" for "patient2"
      And the national EPS service is back
      And the candidate is asked to cancel the prescription "cancelled"
      And the candidate is asked to send the prescriptions it holds
      Then the candidate did not send "cancelled" to EPS in its latest action
      And the candidate sent "wanted" to EPS in its latest action
