"""What every layer may use: small pure helpers with no Django app, provider or feature imports."""
