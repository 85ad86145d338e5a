"""Constants of the accounts app."""

# Permissions that put personal data in front of the user: an account that holds one must pass
# a second factor after its password, as the administrators do (等保 8.1.4.1 d, 8.1.4.11).
SECOND_FACTOR_PERMISSIONS = ("registry.unmask_id_number",)
