Feature: Electronic prescribing: acute, repeat and repeat dispensing; validity; no paper
  Every prescription is of a kind, and reaches EPS as its course of
  therapy: acute (`acute`), issued once; repeat (`continuous`), an issue
  of an authorisation for further issues; or repeat dispensing
  (`continuous-repeat-dispensing`), one prescription the dispenser
  supplies several times, with numberOfRepeatsAllowed the issues after the
  first (as EPS counts them). A prescription is valid for six months from
  its start (repeat dispensing: up to twelve, as prescribed). A patient
  who can receive electronic prescriptions gets one: there is no
  paper-only path. The candidate is asked to prescribe as in
  prescribing.feature, and judged on the order it sends the hosted EPS.

  @RFA-EPS-013 @lot1 @must @route-readback
  Rule: A paper-only prescription for a patient who can receive electronic prescriptions is not issued: the candidate refuses it and sends EPS nothing

    Scenario: asked for electronically, issued
      Given a prescription for "patient1" of "Temazepam 10mg tablets"
      And the prescription's form is "electronic"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario Outline: <medicine> on paper
      Given a prescription for "patient1" of "<medicine>"
      And the prescription's form is "paper"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Temazepam 10mg tablets     |

  @RFA-EPS-014 @lot1 @must @route-readback
  Rule: A prescription with no nominated dispenser is still electronic: it reaches EPS with a short-form ID (the patient's token) and no performer

    Scenario: no nomination
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the prescription ID of "rx" is well-formed
      And the EPS order for "rx" nominates no dispenser

    Scenario: asked for electronically
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's form is "electronic"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the prescription ID of "rx" is well-formed
      And the EPS order for "rx" nominates no dispenser

  @RFA-EPS-015 @lot1 @must @route-readback
  Rule: A prescription for a patient who is not registered here is not issued: the candidate refuses it and sends EPS nothing

    Scenario: a patient registered here, issued
      Given a prescription for "patient6" of "Paracetamol 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is as prescribed

    Scenario: a patient the candidate does not hold
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription is for "patientNotInSystem" instead
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-EPS-016 @lot1 @must @route-readback
  Rule: The prescription's kind is required and reaches EPS as its course of therapy: acute, repeat or repeat dispensing; without one, or with another, it is not issued and EPS is sent nothing

    Scenario: no prescription type
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no prescription type
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: an unknown prescription type
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's type is "as-needed"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: acute, kept
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is acute with 0 further issues

  @RFA-EPS-017 @lot1 @must @route-readback
  Rule: An acute prescription is issued once: one with further issues is not issued, and EPS is sent nothing

    Scenario: acute with no further issue, issued
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's repeats is "0"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is acute with 0 further issues

    Scenario Outline: acute with <n> further issues
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's repeats is "<n>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | n |
        | 1 |
        | 5 |

  @RFA-EPS-018 @lot1 @must @route-readback
  Rule: A repeat authorises one or more further issues and reaches EPS as a repeat (continuous) saying how many; a repeat with none is not issued, and EPS is sent nothing

    Scenario: a repeat with three further issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is repeat with 3 further issues

    Scenario: a repeat with no further issue
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      And the prescription's repeats is "0"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: a repeat with no count of issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      And the prescription has no repeats
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-EPS-019 @lot1 @must @route-readback
  Rule: Repeat dispensing needs further issues and an end to its validity no more than twelve months after it starts; otherwise it is not issued, and EPS is sent nothing

    Scenario: six months, two further issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is repeat dispensing with 2 further issues

    Scenario: twelve months
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's validity end is "{today+12m}"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is valid from today for 12 months

    Scenario: thirteen months
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's validity end is "{today+13m}"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: no end
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription has no validity end
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario: no further issue
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's repeats is "0"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-EPS-020 @lot1 @must @route-readback
  Rule: A prescription that does not say otherwise is valid from today for six months

    Scenario Outline: <kind>
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription is <kind>
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is valid from today for 6 months

      Examples:
        | kind   |
        | acute  |
        | repeat |

  @RFA-EPS-021 @lot1 @must @route-readback
  Rule: A prescription (other than repeat dispensing) valid for longer than six months, or from before today, is not issued: the candidate refuses it and sends EPS nothing

    Scenario: six months from today, issued
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's validity end is "{today+6m}"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" is valid from today for 6 months

    Scenario: from yesterday
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's validity start is "{today-1}"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

    Scenario Outline: ending <end>
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's validity end is "<end>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | end          |
        | {today+7m}   |
        | {today+12m}  |

  @RFA-EPS-032 @lot1 @must @route-extension
  Rule: A patient-scoped token cannot prescribe: 403 ACCESS DENIED

    Scenario: a patient prescribing for themselves
      Given the patient "patient20" is signed in
      And a prescription for "patient20" of "Paracetamol 500mg tablets"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored
