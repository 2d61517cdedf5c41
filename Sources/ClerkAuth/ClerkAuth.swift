// Verification of Clerk session tokens: RS256 against the instance's JWKS, the claims DESIGN §8 requires.
