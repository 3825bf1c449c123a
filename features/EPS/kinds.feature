Feature: Electronic prescribing: acute, repeat and repeat dispensing; validity; no paper
  Every prescription says what kind it is (CareConnect's prescription
  type): acute, issued once; repeat, authorising further issues; or repeat
  dispensing, one prescription the dispenser supplies several times, with
  numberOfRepeatsAllowed the issues after the first (as EPS counts them).
  A prescription is valid for six months from its start (repeat
  dispensing: up to twelve, as prescribed). A patient who can receive
  electronic prescriptions gets one: there is no paper-only path.

  @RFA-EPS-013 @lot1 @must @route-extension
  Rule: A paper-only prescription for a patient who can receive electronic prescriptions is refused with 422 INVALID_RESOURCE

    Scenario Outline: <medicine> on paper
      Given a prescription for "patient1" of "<medicine>"
      And the prescription's form is "paper"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Temazepam 10mg tablets     |

  @RFA-EPS-014 @lot1 @must @route-extension
  Rule: A prescription with no nominated dispenser is still electronic: it carries a short-form ID (the patient's token) and the form electronic

    Scenario: no nomination
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is electronic

    Scenario: asked for electronically
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's form is "electronic"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is electronic

  @RFA-EPS-015 @lot1 @must @route-extension
  Rule: A prescription for a patient who is not registered here is refused with 422 INVALID_RESOURCE

    Scenario Outline: patient id <id>
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's patient id is "<id>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | id                                   |
        | no-such-patient                      |
        | 00000000-0000-4000-8000-000000000000 |

  @RFA-EPS-016 @lot1 @must @route-extension
  Rule: The prescription type is required and kept: acute, repeat or repeat-dispensing; none, or another, is refused with 422 INVALID_RESOURCE

    Scenario: no prescription type
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription has no prescription type
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: an unknown prescription type
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's type is "as-needed"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: acute, kept
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is acute with 0 further issues

  @RFA-EPS-017 @lot1 @must @route-extension
  Rule: An acute prescription is issued once: further issues are refused with 422 INVALID_RESOURCE

    Scenario Outline: acute with <n> further issues
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      And the prescription's repeats is "<n>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | n |
        | 1 |
        | 5 |

  @RFA-EPS-018 @lot1 @must @route-extension
  Rule: A repeat authorises one or more further issues and is kept as a repeat; a repeat with none is refused with 422 INVALID_RESOURCE

    Scenario: a repeat with three further issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is repeat with 3 further issues

    Scenario: a repeat with no further issue
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      And the prescription's repeats is "0"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: a repeat with no count of issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat
      And the prescription has no repeats
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-019 @lot1 @must @route-extension
  Rule: Repeat dispensing needs further issues and an end to its validity no more than twelve months after it starts; otherwise 422 INVALID_RESOURCE

    Scenario: six months, two further issues
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is repeat dispensing with 2 further issues

    Scenario: twelve months
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's validity end is "{today+12m}"
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is valid from today for 12 months

    Scenario: thirteen months
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's validity end is "{today+13m}"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: no end
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription has no validity end
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: no further issue
      Given a prescription for "patient1" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription's repeats is "0"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-EPS-020 @lot1 @must @route-extension
  Rule: A prescription that does not say otherwise is valid from today for six months

    Scenario Outline: <kind>
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription is <kind>
      When the request is sent
      Then the prescription is issued as "rx"
      And the prescription "rx" is valid from today for 6 months

      Examples:
        | kind   |
        | acute  |
        | repeat |

  @RFA-EPS-021 @lot1 @must @route-extension
  Rule: A prescription (other than repeat dispensing) valid for longer than six months, or from before today, is refused with 422 INVALID_RESOURCE

    Scenario: from yesterday
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's validity start is "{today-1}"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario Outline: ending <end>
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      And the prescription's validity end is "<end>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

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
