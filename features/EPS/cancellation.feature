Feature: Electronic prescribing: cancellation
  A prescriber cancels a prescription that has not been dispensed, giving
  one of EPS's cancellation reasons (0001 Prescribing Error … 0008 Patient
  deceased). The candidate is asked to cancel it (trigger action
  `cancel-prescription`, or the tester) and sends EPS a cancellation: a
  prescription-order-update whose MedicationRequest is cancelled with the
  reason (profile §28). Only EPS can say a prescription is cancelled: once
  a pharmacy has dispensed it, EPS refuses (its cancel response's status
  history R-0004), and the candidate must tell the prescriber so rather
  than report it cancelled.

  @RFA-EPS-022 @lot1 @must @route-readback
  Rule: A cancellation with an EPS reason reaches EPS as a cancellation of the prescription carrying that reason

    Scenario Outline: reason <code>
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient1" as "rx"
      When the candidate is asked to cancel the prescription "rx" because "<code>"
      Then the candidate carried out the action
      And the candidate sent EPS a cancellation of "rx" because "<code>"

      Examples:
        | code |
        | 0001 |
        | 0003 |
        | 0005 |

  @RFA-EPS-023 @lot1 @must @route-readback
  Rule: A cancellation without a reason, or with one EPS does not know, is refused, and EPS is sent no cancellation

    Scenario: with a reason, carried out
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient1" as "rx"
      When the candidate is asked to cancel the prescription "rx" because "0002"
      Then the candidate carried out the action
      And the candidate sent EPS a cancellation of "rx" because "0002"

    Scenario: no reason
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient1" as "rx"
      When the candidate is asked to cancel the prescription "rx" without a reason
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

    Scenario: an unknown reason
      Given the candidate has issued "Paracetamol 500mg tablets" for "patient1" as "rx"
      When the candidate is asked to cancel the prescription "rx" because "0042"
      Then the candidate refused the action
      And the candidate sent EPS nothing in its latest action

  @RFA-EPS-024 @lot1 @must @route-readback
  Rule: A cancelled prescription stays cancelled: asked to cancel it again, the candidate refuses and sends EPS no second cancellation

    Scenario: cancelled twice
      Given the candidate has issued "Cetirizine 10mg tablets" for "patient1" as "rx"
      When the candidate is asked to cancel the prescription "rx" because "0001"
      Then the candidate carried out the action
      When the candidate is asked to cancel the prescription "rx" because "0002"
      Then the candidate refused the action
      And the candidate sent EPS 1 cancellation of "rx"

  @RFA-EPS-025 @lot1 @must @route-readback
  Rule: Once a prescription has been dispensed it cannot be cancelled: when EPS refuses the cancellation, the candidate refuses it too and does not report it cancelled

    Scenario: not yet dispensed, cancelled
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx"
      When the candidate is asked to cancel the prescription "rx" because "0004"
      Then the candidate carried out the action

    Scenario: dispensed by a pharmacy
      Given the candidate has issued "Amoxicillin 500mg capsules" for "patient6" as "rx"
      And EPS has recorded "rx" as dispensed
      When the candidate is asked to cancel the prescription "rx" because "0004"
      Then the candidate refused the action
      And the candidate sent EPS 1 cancellation of "rx"
