/// An authentication failure carrying the response the real API would send.
struct APIErrorResponse: Error {
    var response: APIResponse
}
