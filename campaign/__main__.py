from campaign.cli.entry import main

main()
