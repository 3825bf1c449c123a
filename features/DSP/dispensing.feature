Feature: Dispensing practices: dispensing against a prescription
  A dispensing practice supplies medicines from its own dispensary to its
  dispensing patients (those living more than a mile from a pharmacy) and
  records each supply as a MedicationDispense against the prescription
  item (profile §29). patient6 is a dispensing patient; patient1 is not.
  The prescription's EPS status follows what has been supplied: 0001 To be
  Dispensed, 0003 With Dispenser - Active after part of it, 0006 Dispensed
  once all of it has been.

  @RFA-DSP-001 @lot1 @must @route-extension
  Rule: A dispense against a prescription for a dispensing patient is recorded 201 with a Location and the MedicationDispense as sent

    Scenario Outline: <quantity> of <medicine>
      Given "patient6" has been prescribed "<medicine>" as "rx" for the practice to dispense
      And a dispense of <quantity> of the prescription "rx"
      When the request is sent
      Then the dispense is recorded as it was sent

      Examples:
        | medicine                   | quantity |
        | Amoxicillin 500mg capsules | 21       |
        | Paracetamol 500mg tablets  | 10       |

  @RFA-DSP-002 @lot1 @must @route-extension
  Rule: After part of a prescription is supplied its status is 0003 With Dispenser - Active

    Scenario Outline: <quantity> of 21
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of <quantity> of the prescription "rx"
      When the request is sent
      Then the dispense is recorded
      And the prescription "rx" has the status "0003"

      Examples:
        | quantity |
        | 7        |
        | 20       |

  @RFA-DSP-003 @lot1 @must @route-extension
  Rule: Once all of a prescription is supplied, at once or in parts, its status is 0006 Dispensed (status completed)

    Scenario: at once
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 21 of the prescription "rx"
      When the request is sent
      Then the dispense is recorded
      And the prescription "rx" has the status "0006"

    Scenario: in two parts
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 14
      And a dispense of 7 of the prescription "rx"
      When the request is sent
      Then the dispense is recorded
      And the prescription "rx" has the status "0006"

    Scenario: a new prescription is to be dispensed
      Given "patient6" has been prescribed "Cetirizine 10mg tablets" as "rx" for the practice to dispense
      Then the prescription "rx" has the status "0001"

  @RFA-DSP-004 @lot1 @must @route-extension
  Rule: More than was prescribed, over all dispenses, is refused with 422 INVALID_RESOURCE

    Scenario: more than prescribed at once
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 22 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: more than what is left
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 14
      And a dispense of 8 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: after all of it
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 21
      And a dispense of 1 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-DSP-005 @lot1 @must @route-extension
  Rule: A cancelled prescription cannot be dispensed: 422 INVALID_RESOURCE

    Scenario Outline: cancelled, then <quantity> dispensed
      Given "patient6" has been prescribed "Paracetamol 500mg tablets" as "rx" for the practice to dispense
      And the prescription "rx" has been cancelled
      And a dispense of <quantity> of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | quantity |
        | 21       |
        | 1        |

  @RFA-DSP-006 @lot1 @must @route-extension
  Rule: An expired prescription cannot be dispensed: 422 INVALID_RESOURCE

    Scenario Outline: <quantity> of the expired prescription
      Given the expired prescription of "patient6" as "old"
      And a dispense of <quantity> of the prescription "old"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

      Examples:
        | quantity |
        | 21       |
        | 7        |

  @RFA-DSP-007 @lot1 @must @route-extension
  Rule: A dispense of another medicine than the one prescribed is refused with 422 INVALID_RESOURCE

    Scenario Outline: <medicine> dispensed for Amoxicillin 500mg capsules
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 21 of the prescription "rx"
      And the dispense's medicine is "<medicine>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | medicine                          |
        | Flucloxacillin 500mg capsules     |
        | Amoxicillin 250mg/5ml oral suspension |

  @RFA-DSP-008 @lot1 @must @route-extension
  Rule: A dispense for another patient than the prescription's is refused with 422 INVALID_RESOURCE

    Scenario: dispensed to another patient
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 21 of the prescription "rx"
      And the dispense's patient is "patient1"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-DSP-009 @lot1 @must @route-extension
  Rule: The practice dispenses only to its dispensing patients: a prescription of a patient who is not one is refused with 422 INVALID_RESOURCE

    Scenario Outline: <medicine> for patient1
      Given "patient1" has been prescribed "<medicine>" as "rx" for the practice to dispense
      And a dispense of 7 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Paracetamol 500mg tablets  |

  @RFA-DSP-010 @lot1 @must @route-extension
  Rule: A prescription nominated to another dispenser cannot be dispensed by the practice: 422 INVALID_RESOURCE; one with no nomination can

    Scenario: nominated to a pharmacy
      Given a prescription for "patient6" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "FA565"
      When the request is sent
      Then the prescription is issued as "rx"
      Given a dispense of 21 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: not nominated
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx"
      And a dispense of 21 of the prescription "rx"
      When the request is sent
      Then the dispense is recorded

  @RFA-DSP-011 @lot1 @must @route-extension
  Rule: A dispense is a positive quantity in the prescription's unit: otherwise 422 INVALID_RESOURCE

    Scenario: in another unit
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 21 of the prescription "rx"
      And the dispense's quantity unit is "tablet"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: nothing
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And a dispense of 0 of the prescription "rx"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-DSP-012 @lot1 @must @route-extension
  Rule: The dispenses against a prescription are listed by prescription, with their quantities

    Scenario: one dispense
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 21
      And a search for the dispenses of the prescription "rx"
      When the request is sent
      Then the Bundle holds 1 dispense of the prescription "rx" totalling 21

    Scenario: two parts
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the prescription "rx" has been dispensed 14
      And the prescription "rx" has been dispensed 7
      And a search for the dispenses of the prescription "rx"
      When the request is sent
      Then the Bundle holds 2 dispenses of the prescription "rx" totalling 21

  @RFA-DSP-013 @lot1 @must @route-extension
  Rule: A repeat-dispensing prescription is dispensed once per issue, up to its further issues plus one; another issue is refused with 422 INVALID_RESOURCE

    Scenario: all three issues
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription is for the practice's dispensary to dispense
      When the request is sent
      Then the prescription is issued as "rd"
      Given the prescription "rd" has been dispensed 21
      And the prescription "rd" has been dispensed 21
      And a dispense of 21 of the prescription "rd"
      When the request is sent
      Then the dispense is recorded

    Scenario: a fourth issue
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription is for the practice's dispensary to dispense
      When the request is sent
      Then the prescription is issued as "rd"
      Given the prescription "rd" has been dispensed 21
      And the prescription "rd" has been dispensed 21
      And the prescription "rd" has been dispensed 21
      And a dispense of 21 of the prescription "rd"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-DSP-014 @lot1 @must @route-extension
  Rule: A patient-scoped token cannot record a dispense: 403 ACCESS DENIED

    Scenario: the patient dispensing to themselves
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the patient "patient6" is signed in
      And a dispense of 21 of the prescription "rx"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

  @RFA-DSP-015 @lot1 @must @route-extension
  Rule: A dispense against a prescription the candidate does not hold is refused with 422 REFERENCE_NOT_FOUND

    Scenario Outline: prescription id <id>
      Given a dispense of 7 against the prescription id "<id>" for "patient6"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND"

      Examples:
        | id                                   |
        | no-such-prescription                 |
        | 00000000-0000-4000-8000-000000000000 |
