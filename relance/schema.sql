-- Schema of data/relance.duckdb. Table and column names are a contract (docs/base.md, generated from this file;
-- external checks).

-- 18 régions (métropole et DROM)
create table region (
    code varchar primary key,
    nom varchar not null
);
-- 101 départements
create table departement (
    code varchar primary key,
    nom varchar not null,
    region_code varchar not null,
    population bigint not null
);
-- 34 875 communes actuelles (métropole et DROM)
create table commune (
    code varchar primary key,
    nom varchar not null,
    departement_code varchar not null,
    epci_siren varchar,
    population bigint not null
);
-- codes postaux de chaque commune
create table commune_code_postal (
    commune_code varchar not null,
    code_postal varchar not null,
    primary key (commune_code, code_postal)
);
-- anciens codes INSEE (communes fusionnées) et la commune actuelle qui les a repris
create table commune_ancien_code (
    ancien_code varchar primary key,
    commune_code varchar not null
);
-- 1 255 EPCI à fiscalité propre (CC, CA, CU, METRO, MET69)
create table epci (
    siren varchar primary key,
    nom varchar not null,
    type varchar not null,
    population bigint not null,
    nb_communes integer not null,
    emplois_salaries_prives bigint
);
-- 11 établissements publics territoriaux du Grand Paris
create table ept (
    siren varchar primary key,
    nom varchar not null,
    population bigint not null,
    nb_communes integer not null
);
-- un territoire par (phase, identifiant) : les identifiants sont réutilisés d'une phase à l'autre
create table territoire (
    phase integer not null,
    ti_id varchar not null,
    nom varchar not null,
    region_code varchar not null,
    departements varchar not null,
    population bigint not null,
    nb_membres integer not null,
    nb_intercommunalites integer not null,
    nb_communes integer not null,
    geometrie_source varchar not null,
    primary key (phase, ti_id)
);
-- membres ; kind ∈ epci, ept, commune
create table territoire_membre (
    phase integer not null,
    ti_id varchar not null,
    siren varchar not null,
    kind varchar not null check (kind in ('epci', 'ept', 'commune')),
    nom varchar not null,
    population bigint not null,
    nb_communes integer not null,
    primary key (phase, siren)
);
-- communes de chaque territoire (membres résolus en communes)
create table territoire_commune (
    phase integer not null,
    ti_id varchar not null,
    commune_code varchar not null,
    membre_siren varchar not null, -- le membre (EPCI, EPT ou commune) par lequel la commune est dans le territoire
    primary key (phase, commune_code)
);
-- départements d'un territoire, part de sa population dans chacun et part du département dans le territoire
create table territoire_departement (
    phase integer not null,
    ti_id varchar not null,
    departement_code varchar not null,
    population bigint not null,
    part_territoire double not null,
    part_departement double not null,
    primary key (phase, ti_id, departement_code)
);
-- contour en position réelle (WGS84), non simplifié
create table territoire_geometrie (
    phase integer not null,
    ti_id varchar not null,
    geojson varchar not null,
    centre_lon double not null,
    centre_lat double not null,
    -- the territory's box as drawn on the map (overseas in their insets), where the map zooms when it is chosen
    ouest double not null,
    sud double not null,
    est double not null,
    nord double not null,
    primary key (phase, ti_id)
);
-- contour de chaque membre d'un territoire (WGS84, position réelle), fondu des contours 2018 de ses communes
-- actuelles et simplifié territoire par territoire (frontières communes gardées communes) : la carte des membres
create table membre_geometrie (
    phase integer not null,
    ti_id varchar not null,
    siren varchar not null,
    geojson varchar not null,
    -- un point dans le membre, où la carte pose son cercle et son nom
    centre_lon double not null,
    centre_lat double not null,
    communes integer not null,
    -- communes rétablies depuis 2018, sans contour 2018 propre (leur sol est dans celui de la commune nouvelle
    -- de 2018 qu'elles ont quittée)
    communes_sans_contour integer not null,
    primary key (phase, ti_id, siren)
);
-- couches simplifiées de la carte (outre-mer déplacé en encarts)
create table carte_couche (
    couche varchar not null,
    phase integer,
    geojson varchar not null
);
-- indicateurs du Baromètre et leur priorité (table relue relance/reference/indicateurs_priorites.csv)
create table indicateur (
    id_indicateur varchar primary key,
    mesure varchar not null,
    libelle varchar not null,
    libelle_court varchar not null,
    unite varchar not null,
    priorite varchar not null,
    justification varchar not null,
    nature varchar not null check (nature in ('cumul', 'stock', 'annuel', 'campagne')),
    date_lecture date not null,
    raison_lecture varchar not null
);
-- valeurs mensuelles ; maille ∈ national, region, departement ; code INSEE, NULL au national
create table indicateur_valeur (
    id_indicateur varchar not null,
    maille varchar not null check (maille in ('national', 'region', 'departement')),
    code varchar,
    date date not null,
    valeur double not null
);
-- les priorités du programme (foncier, competences, innover, hors) et la façon de les dessiner
create table priorite (
    priorite varchar primary key,
    libelle varchar not null,
    description varchar not null,
    programme boolean not null,
    couleur varchar not null,
    motif varchar not null,
    symbole varchar not null
);
-- part de l'industrie dans l'emploi (INSEE RP 2022, calcul PTOD) et emploi salarié privé (URSSAF 2022) par EPCI/EPT
create table epci_industrie (
    siren varchar primary key,
    part_industrie double not null,
    emplois_salaries_prives bigint
);
-- part de l'industrie du territoire, moyenne des membres pondérée par l'emploi salarié privé ; NULL outre-mer
create table territoire_industrie (
    phase integer not null,
    ti_id varchar not null,
    part_industrie double,
    emplois_salaries_prives bigint,
    membres_couverts integer not null,
    membres integer not null,
    primary key (phase, ti_id)
);
-- candidatures au Fonds friches (Cerema) : région, édition, drapeau de lauréat, hectares (friche, site), types de
-- friche et de porteur normalisés, déficit déclaré par le porteur (jamais la subvention) et son état, somme des douze
-- postes de dépenses déclarés (HT)
create table fonds_friches (
    num_dossier varchar primary key,
    region_code varchar,
    num_demarche varchar not null,
    laureat boolean not null,
    edition varchar not null,
    france_relance boolean not null,
    -- hectares as declared: the brownfield's area, and the whole site's (NULL when missing or negative)
    friche_ha double,
    site_ha double,
    -- brownfield types, normalised (reference/friches_natures.csv), ' ; ' between several; NULL when not given
    natures varchar,
    friche_industrielle boolean,
    -- project owner type, normalised (reference/friches_porteurs.csv): « Collectivité locale » covers communes and
    -- intercommunalités alike, the file does not tell them apart
    porteur varchar not null,
    operation varchar,
    -- operating deficit declared by the project owner (euros), never the subsidy, which no file gives
    deficit double,
    deficit_etat varchar not null check (deficit_etat in ('positif', 'nul', 'négatif', 'absent', 'illisible')),
    depenses_ht double  -- sum of the twelve declared cost items, excl. VAT
);
-- candidatures au Fonds friches situées par le Cerema (sites Cartofriches) : édition, lauréat, commune, point, nom du
-- site
create table friche (
    num_dossier varchar primary key,
    edition varchar not null,
    france_relance boolean not null,
    laureat boolean not null,
    commune_code varchar,
    lat double,
    lon double,
    site_nom varchar
);
-- listes chargées ; lecture : dge (liste DGE des données brutes), friches (Fonds friches du Cerema), equipe (toute
-- liste importée, quel que soit son format)
create table projet_import (
    import_id varchar primary key,
    fichier varchar not null,
    format varchar not null,
    -- the reading the list feeds: dge (the DGE list of the raw data), friches (the Cerema's Fonds friches
    -- laureates), equipe (every list the staff imported, whatever its format: never ranked nor compared)
    lecture varchar not null check (lecture in ('dge', 'friches', 'equipe')),
    source varchar not null,
    importe_le varchar not null,
    lignes integer not null,
    rejetees integer not null,
    sha256 varchar not null
);
-- lignes des listes chargées, avec leur placement ; date telle que publiée (pour la liste DGE, la mise à jour de la
-- ligne, pas l'attribution ; annee est son année) ; tonnes_co2 évitées par an
create table projet (
    projet_id varchar primary key,
    source varchar not null,
    import_id varchar not null,
    ligne integer not null,
    nom varchar not null,
    entreprise varchar,
    siren varchar,
    type_entreprise varchar,
    filiere varchar,
    mesure varchar,
    priorite varchar,
    departement_code varchar,
    commune_code varchar,
    epci_siren varchar,
    lat double,
    lon double,
    placement varchar not null,
    confiance varchar not null,
    problemes varchar,
    montant_aide double,
    montant_investissement double,
    date varchar,
    description varchar,
    annee integer,
    tonnes_co2 double,
    position varchar
);
-- territoire de chaque projet par phase (aucune ligne hors territoire)
create table projet_territoire (
    projet_id varchar not null,
    phase integer not null,
    ti_id varchar not null,
    primary key (projet_id, phase)
);
-- Each project's laureate (queries/ecritures/laureats.sql writes it from the view projet_laureat_methode)
-- le lauréat de chaque ligne (règle « un lauréat compté une fois », vue projet_laureat_methode du schéma) et le texte
-- qu'elle partage avec d'autres entreprises (consortium ou présentation d'un groupe : jamais fusionné)
create table projet_laureat (
    projet_id varchar primary key,
    laureat varchar not null,
    texte_commun varchar,
    entreprises_meme_texte integer not null
);
-- lignes rejetées et leur motif
create table projet_rejet (
    import_id varchar not null,
    ligne integer not null,
    motif varchar not null
);
-- mesures France Relance rattachées aux priorités
create table mesure_priorite (
    mesure varchar primary key,
    priorite varchar not null,
    justification varchar not null
);
-- The reading model (reviewed table relance/reference/lectures.csv): which sources answer each priority (and
-- « toutes »), at which level (territoire: laureates placed in the territory; departement: the départements' values,
-- read for the territory by the estimate method), as the lead reading or beside it (équipe: the staff's own lists,
-- never ranked nor compared), and what each leaves out.
-- le modèle de lecture : quelles sources (dge, friches, barometre, equipe) répondent à chaque priorité (et toutes), à
-- quel niveau (territoire : lauréats placés ; departement : valeurs départementales, estimation), en lecture
-- principale, a_cote ou equipe, et ce que chacune laisse de côté
create table lecture (
    priorite varchar not null,
    -- for a territory-level reading, the lists it counts are those of projet_import.lecture = source
    source varchar not null check (source in ('dge', 'friches', 'barometre', 'equipe')),
    niveau varchar not null check (niveau in ('territoire', 'departement')),
    role varchar not null check (role in ('principale', 'a_cote', 'equipe')),
    ordre integer not null,
    libelle varchar not null,
    libelle_court varchar not null,
    laisse_de_cote varchar not null,
    primary key (priorite, source)
);
-- provenance, lignes chargées, présence du fichier dans les données brutes
create table source (
    cle varchar primary key,
    fichier varchar not null,
    titre varchar not null,
    editeur varchar not null,
    licence varchar not null,
    millesime varchar not null,
    lignes bigint not null,
    present boolean not null
);
-- date, version, répertoire brut, durée de la construction, périmètre (france, ou extrait et ses départements)
create table build_info (
    cle varchar primary key,
    valeur varchar not null
);
-- nombres attendus des contrôles de données (relance/reference/controles_attendus.csv), pour le périmètre construit
create table controle_attendu (
    perimetre varchar not null,  -- france, ou extrait (les tests rapides)
    cle varchar not null,
    phase integer,
    valeur bigint not null,
    justification varchar not null
);

-- Methods defined once: every query that reads a territory through its départements selects from these.

-- An indicator read for a territory through its départements, at every date the départements publish:
-- taux_10000 is the population-weighted rate of its départements; estimation shares each département's value
-- by the share of the département's population living in the territory (an estimate, not a count). Both are
-- NULL unless every département of the territory has a value at that date (complet). The build stores it as
-- the table territoire_indicateur (queries/ecritures/methodes.sql), which the queries read.
create view territoire_indicateur_methode as
with grille as (
    select distinct id_indicateur, date
    from indicateur_valeur
    where maille = 'departement'
),

parts as (
    select
        td.phase,
        td.ti_id,
        td.departement_code,
        td.part_territoire,
        td.part_departement,
        d.population as population_departement,
        d.nom as departement_nom
    from territoire_departement as td
    inner join departement as d on d.code = td.departement_code
),

final as (
    select
        p.phase,
        p.ti_id,
        g.id_indicateur,
        g.date,
        count(v.valeur) = count(*) as complet,
        -- sums in a fixed order, so that two builds give the same bits
        case when count(v.valeur) = count(*)
            then sum(v.valeur * p.part_departement order by p.departement_code) end as estimation,
        case when count(v.valeur) = count(*)
            then sum(v.valeur / p.population_departement * 10000 * p.part_territoire order by p.departement_code)
        end as taux_10000,
        list({'nom': p.departement_nom, 'valeur': v.valeur} order by p.part_territoire desc, p.departement_code)
            as valeurs_departements
    from parts as p
    cross join grille as g
    left join indicateur_valeur as v
        on v.maille = 'departement' and v.code = p.departement_code and v.id_indicateur = g.id_indicateur
        and v.date = g.date
    group by p.phase, p.ti_id, g.id_indicateur, g.date
)

select * from final;

-- The share of each département's population living in a territory of the phase (0 outside every territory),
-- stored by the build as the table departement_couverture.
create view departement_couverture_methode as
with phases as (
    select distinct phase from territoire
),

final as (
    select ph.phase, d.code, d.nom, d.population, coalesce(sum(td.part_departement order by td.ti_id), 0) as part_ti
    from departement as d
    cross join phases as ph
    left join territoire_departement as td on td.departement_code = d.code and td.phase = ph.phase
    group by ph.phase, d.code, d.nom, d.population
)

select * from final;

-- A laureate counted once. A row of the DGE list is a company site or a consortium partner, not always a distinct
-- project: inside one territory, the rows of one company (its SIREN, a SIRET cut to its SIREN, a SIREN padded back to
-- nine digits; its name when none) with the same distinctive description are one laureate, its sites listed. A
-- description is distinctive when it holds at least 20 letters (never empty, never the placeholder « 0 ») and no other
-- company of the list uses it: a text several companies share (a group's presentation, or a consortium's common text)
-- never merges anything, and the partners of a consortium stay separate laureates (texte_commun shows them together
-- where projects are listed). Every other project (Fonds friches, staff lists) is its own laureate. Stored by the
-- build and after each import as the table projet_laureat; a laureate is counted once per territory (and once per
-- area a comparison counts).
create view projet_laureat_methode as
with dge as (
    select
        p.projet_id,
        regexp_replace(coalesce(p.siren, ''), '[^0-9]', '', 'g') as chiffres,
        upper(trim(regexp_replace(coalesce(p.entreprise, ''), '\s+', ' ', 'g'))) as nom,
        lower(trim(regexp_replace(coalesce(p.description, ''), '\s+', ' ', 'g'))) as texte
    from projet as p
    inner join projet_import as i on i.import_id = p.import_id
    where i.format = 'dge'
),
cles as (
    select
        projet_id,
        case
            when length(chiffres) = 14 then left(chiffres, 9)
            when length(chiffres) between 1 and 9 then lpad(chiffres, 9, '0')
            when nom <> '' then nom
        end as entreprise_cle,
        texte,
        length(regexp_replace(texte, '[^[:alpha:]]', '', 'g')) >= 20 as texte_propre
    from dge
),
partages as (
    select texte, count(distinct entreprise_cle) as entreprises
    from cles
    where texte_propre
    group by texte
),
final as (
    select
        p.projet_id,
        case when c.texte_propre and c.entreprise_cle is not null and pa.entreprises = 1
            then 'dge-' || md5(c.entreprise_cle || '|' || c.texte) else p.projet_id end as laureat,
        case when c.texte_propre and pa.entreprises > 1 then 'texte-' || md5(c.texte) end as texte_commun,
        coalesce(pa.entreprises, 1) as entreprises_meme_texte
    from projet as p
    left join cles as c on c.projet_id = p.projet_id
    left join partages as pa on pa.texte = c.texte
)

select * from final;

-- Each member of a territory with its type as the pages name it: an EPCI's legal form (CC, CA, CU, METRO), « EPT » for
-- an établissement public territorial of the Grand Paris, « Commune » for a member that is a commune. One definition,
-- read by the members' queries (territoire_membres, membres_laureats).
create view territoire_membre_type as
select
    m.phase,
    m.ti_id,
    m.siren,
    m.kind,
    m.nom,
    coalesce(e.type, case m.kind when 'ept' then 'EPT' else 'Commune' end) as type,
    m.population,
    m.nb_communes
from territoire_membre as m
left join epci as e on e.siren = m.siren;
