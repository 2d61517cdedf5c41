/// A resource of `extract: cliniko`.
public enum ClinikoResource: String, ExtractResource {
    /// `patients`, with their phone numbers.
    case patients
    /// `individual_appointments`.
    case individualAppointments = "individual_appointments"
    /// `appointment_types`.
    case appointmentTypes = "appointment_types"
    /// `practitioners`.
    case practitioners
    /// `businesses`: the clinic's locations.
    case businesses
}
