"""`policydesk calc NAME` — one subcommand per calculator (filled in by the calculators work)."""
import click


@click.group()
def calc():
    """Deterministic calculators: loan-deferral, voucher, unemployment, probation, benefits."""
