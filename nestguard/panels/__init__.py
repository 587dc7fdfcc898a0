"""Multi-agency panels (MACE, MACEMM and others): agendas that build themselves, chased actions."""
