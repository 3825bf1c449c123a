Feature: Dispensing practices: dispensing against a prescription
  A dispensing practice supplies medicines from its own dispensary to its
  dispensing patients (those living more than a mile from a pharmacy), as
  an EPS dispenser does: each supply goes to EPS as a dispense
  notification (profile §29). The candidate is asked, as its dispenser
  would ask it (trigger action `dispense-prescription`, or the tester), to
  dispense a quantity of a prescription it issued to its own dispensary;
  it is judged on the dispense notification it sends the hosted EPS — the
  medicine, quantity, patient and prescription, and the prescription's EPS
  status after the supply: 0003 With Dispenser - Active after part of it,
  0006 Dispensed once all of it has been. A supply it must not make it
  refuses, and sends EPS nothing. patient6 is a dispensing patient;
  patient1 is not.

  @RFA-DSP-001 @lot1 @must @route-readback
  Rule: A dispense against a prescription for a dispensing patient reaches EPS as a dispense notification of what was supplied

    Scenario Outline: <quantity> of <medicine>
      Given the candidate has issued "<medicine>" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense <quantity> of the prescription "rx"
      Then the candidate carried out the action
      And the candidate sent EPS a dispense notification of <quantity> of "rx"

      Examples:
        | medicine                   | quantity |
        | Amoxicillin 500mg capsules | 21       |
        | Paracetamol 500mg tablets  | 10       |

  @RFA-DSP-002 @lot1 @must @route-readback
  Rule: After part of a prescription is supplied, the dispense notification gives its status as 0003 With Dispenser - Active

    Scenario Outline: <quantity> of 21
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense <quantity> of the prescription "rx"
      Then the candidate sent EPS a dispense notification of <quantity> of "rx" with the status "0003"

      Examples:
        | quantity |
        | 7        |
        | 20       |

  @RFA-DSP-003 @lot1 @must @route-readback
  Rule: Once all of a prescription is supplied, at once or in parts, the dispense notification gives its status as 0006 Dispensed

    Scenario: at once
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx"
      Then the candidate sent EPS a dispense notification of 21 of "rx" with the status "0006"

    Scenario: in two parts
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      And the candidate has dispensed 14 of the prescription "rx"
      When the candidate is asked to dispense 7 of the prescription "rx"
      Then the candidate sent EPS a dispense notification of 7 of "rx" with the status "0006"

  @RFA-DSP-004 @lot1 @must @route-readback
  Rule: More than was prescribed, over all dispenses, is not supplied: the candidate refuses it and sends EPS nothing

    Scenario: what is left, supplied
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      And the candidate has dispensed 14 of the prescription "rx"
      When the candidate is asked to dispense 7 of the prescription "rx"
      Then the candidate carried out the action

    Scenario: more than prescribed at once
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 22 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: more than what is left
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      And the candidate has dispensed 14 of the prescription "rx"
      When the candidate is asked to dispense 8 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: after all of it
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      And the candidate has dispensed 21 of the prescription "rx"
      When the candidate is asked to dispense 1 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

  @RFA-DSP-005 @lot1 @must @route-readback
  Rule: A cancelled prescription is not supplied: the candidate refuses it and sends EPS nothing

    Scenario: not cancelled, supplied
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx"
      Then the candidate carried out the action

    Scenario Outline: cancelled, then <quantity> dispensed
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient6" as "rx" for its dispensary
      And the candidate has cancelled the prescription "rx"
      When the candidate is asked to dispense <quantity> of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

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

  @RFA-DSP-007 @lot1 @must @route-readback
  Rule: A dispense of another medicine than the one prescribed is not supplied: the candidate refuses it and sends EPS nothing

    Scenario: the medicine prescribed, supplied
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx" as "Amoxicillin 500mg capsules"
      Then the candidate carried out the action

    Scenario Outline: <medicine> dispensed for Amoxicillin 500mg capsules
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx" as "<medicine>"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

      Examples:
        | medicine                              |
        | Flucloxacillin 500mg capsules         |
        | Amoxicillin 250mg/5ml oral suspension |

  @RFA-DSP-008 @lot1 @must @route-readback
  Rule: A dispense for another patient than the prescription's is not supplied: the candidate refuses it and sends EPS nothing

    Scenario: to the prescription's patient, supplied
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx" to "patient6"
      Then the candidate carried out the action

    Scenario: dispensed to another patient
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 of the prescription "rx" to "patient1"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

  @RFA-DSP-009 @lot1 @must @route-readback
  Rule: The practice dispenses only to its dispensing patients: a prescription of a patient who is not one is not supplied, and EPS is sent nothing

    Scenario: a dispensing patient, supplied
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 7 of the prescription "rx"
      Then the candidate carried out the action

    Scenario Outline: <medicine> for patient1
      Given the candidate has issued "<medicine>" for "patient1" as "rx" for its dispensary
      When the candidate is asked to dispense 7 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

      Examples:
        | medicine                   |
        | Amoxicillin 500mg capsules |
        | Paracetamol 500mg tablets  |

  @RFA-DSP-010 @lot1 @must @route-readback
  Rule: A prescription nominated to another dispenser is not supplied by the practice, and EPS is sent nothing; one with no nomination is

    Scenario: nominated to a pharmacy
      Given a prescription for "patient6" of "Amoxicillin 500mg capsules"
      And the prescription's nominated pharmacy is "FA565"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      When the candidate is asked to dispense 21 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: not nominated
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx"
      When the candidate is asked to dispense 21 of the prescription "rx"
      Then the candidate carried out the action
      And the candidate sent EPS a dispense notification of 21 of "rx"

  @RFA-DSP-011 @lot1 @must @route-readback
  Rule: A dispense is a positive quantity in the prescription's unit: otherwise it is not supplied, and EPS is sent nothing

    Scenario: in the prescription's unit, supplied
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 capsule of the prescription "rx"
      Then the candidate carried out the action

    Scenario: in another unit
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 21 tablet of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: nothing
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 0 of the prescription "rx"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

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

  @RFA-DSP-013 @lot1 @must @route-readback
  Rule: A repeat-dispensing prescription is supplied once per issue, up to its further issues plus one; another issue is not supplied, and EPS is sent nothing

    Scenario: all three issues
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription is for the practice's dispensary to dispense
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rd"
      Given the candidate has dispensed 21 of the prescription "rd"
      And the candidate has dispensed 21 of the prescription "rd"
      When the candidate is asked to dispense 21 of the prescription "rd"
      Then the candidate carried out the action
      And the candidate sent EPS a dispense notification of 21 of "rd"

    Scenario: a fourth issue
      Given a prescription for "patient6" of "Cetirizine 10mg tablets"
      And the prescription is repeat dispensing
      And the prescription is for the practice's dispensary to dispense
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rd"
      Given the candidate has dispensed 21 of the prescription "rd"
      And the candidate has dispensed 21 of the prescription "rd"
      And the candidate has dispensed 21 of the prescription "rd"
      When the candidate is asked to dispense 21 of the prescription "rd"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

  @RFA-DSP-014 @lot1 @must @route-extension
  Rule: A patient-scoped token cannot record a dispense: 403 ACCESS DENIED

    Scenario: the patient dispensing to themselves
      Given "patient6" has been prescribed "Amoxicillin 500mg capsules" as "rx" for the practice to dispense
      And the patient "patient6" is signed in
      And a dispense of 21 of the prescription "rx"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

  @RFA-DSP-015 @lot1 @must @route-readback
  Rule: A dispense against a prescription the candidate does not hold is not supplied, and EPS is sent nothing

    Scenario: one it holds, supplied
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx" for its dispensary
      When the candidate is asked to dispense 7 of the prescription "rx"
      Then the candidate carried out the action

    Scenario Outline: prescription ID <id>
      When the candidate is asked to dispense 7 against the prescription ID "<id>" for "patient6"
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | id                   |
        | no-such-prescription |
        | 000000-000000-000000 |
